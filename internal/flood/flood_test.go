package main

import (
	"bytes"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestPercentile(t *testing.T) {
	hundred := make([]time.Duration, 100)
	for i := range hundred {
		hundred[i] = time.Duration(i+1) * time.Millisecond
	}
	tests := []struct {
		name     string
		sorted   []time.Duration
		permille int
		want     time.Duration
	}{
		{"none", nil, 990, 0},
		{"one", []time.Duration{7}, 990, 7},
		{"p50 of 100", hundred, 500, 50 * time.Millisecond},
		{"p99 of 100 is the 99th", hundred, 990, 99 * time.Millisecond},
		{"max", hundred, 1000, 100 * time.Millisecond},
		{"p99 of 10 is the largest", hundred[:10], 990, 10 * time.Millisecond},
	}
	for _, tt := range tests {
		if got := percentile(tt.sorted, tt.permille); got != tt.want {
			t.Errorf("%s: percentile(%d‰) = %v, want %v", tt.name, tt.permille, got, tt.want)
		}
	}
}

// TestPhases runs a short quiet phase and a short flood against an
// in-process server whose budget one derivation spends, and checks that
// every count adds up: the legitimate client kept its session, every forged
// request got a fresh session, and the server's OnError heard each one.
func TestPhases(t *testing.T) {
	srv, h, err := newServer(serverConfig{Mode: "budget", BudgetCPU: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(h)
	defer ts.Close()
	ctx := t.Context()
	cookie, err := login(ctx, ts.URL)
	if err != nil {
		t.Fatal(err)
	}
	pc := phaseConfig{Name: "quiet", Duration: 200 * time.Millisecond, LegitInterval: 10 * time.Millisecond, Conns: 4}
	quiet, err := runPhase(ctx, ts.URL, cookie, pc, inProcess)
	if err != nil {
		t.Fatal(err)
	}
	pc.Name, pc.Rate, pc.Duration = "flood", 200, 300*time.Millisecond
	flood, err := runPhase(ctx, ts.URL, cookie, pc, inProcess)
	if err != nil {
		t.Fatal(err)
	}

	for _, p := range []phaseResult{quiet, flood} {
		if p.LegitFailures != 0 || len(p.Legit) < 10 {
			t.Errorf("%s: %d legitimate requests answered, %d failed", p.Config.Name, len(p.Legit), p.LegitFailures)
		}
	}
	if quiet.ForgedSent != 0 {
		t.Errorf("the quiet phase sent %d forged requests", quiet.ForgedSent)
	}
	heard := flood.After.minus(flood.Before)
	type counts struct{ Sent, Answered, Failed, Heard, Other int64 }
	want := counts{Sent: flood.ForgedSent, Answered: flood.ForgedSent, Heard: flood.ForgedSent}
	got := counts{flood.ForgedSent, flood.ForgedAnswered, flood.ForgedFailed, heard.OverBudget + heard.NotAuthentic, heard.OtherErrors}
	if diff := cmp.Diff(want, got); diff != "" || flood.ForgedSent < 30 {
		t.Errorf("forged requests (-want +got):\n%s(sent %d, want about 60)", diff, flood.ForgedSent)
	}
	if heard.Budget.Derivations == 0 || heard.OverBudget == 0 {
		t.Errorf("a one-millisecond budget under a flood: %+v", heard)
	}
	if s := srv.stats(); s.Budget.Refused != uint64(s.OverBudget) {
		t.Errorf("the budget refused %d derivations, OnError heard %d refusals", s.Budget.Refused, s.OverBudget)
	}

	m := measured{mode: "budget", quiet: quiet, flood: flood, budgetCPU: time.Millisecond, rounds: 1}
	cs := checks(m, pc.Rate)
	if len(cs) != 3 || !strings.Contains(cs[0].what, "forged requests") || !strings.Contains(cs[2].what, "derivation time") {
		t.Errorf("checks: %+v", cs)
	}
	var b bytes.Buffer
	printTable(&b, []measured{m})
	if lines := strings.Split(strings.TrimSpace(b.String()), "\n"); len(lines) != 3 || !strings.Contains(lines[2], "flood") {
		t.Errorf("table:\n%s", b.String())
	}
}

func TestFlagsRefused(t *testing.T) {
	for _, args := range [][]string{
		{"-duration", "10m"},
		{"-rate", "50000"},
		{"-conns", "0"},
		{"-rounds", "0"},
		{"-duration", "1s", "-unbounded-duration", "2s"},
	} {
		var out, errOut bytes.Buffer
		if code := run(args, strings.NewReader(""), &out, &errOut); code != 2 {
			t.Errorf("run(%q) = %d, want 2 (usage)", args, code)
		}
	}
}
