package iron

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestParsePasswordOption(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want PasswordOption
		err  bool
	}{
		{"plain", pw1, PasswordOption{Plain: pw1}, false},
		{"plain with newline", pw1 + "\n", PasswordOption{Plain: pw1}, false},
		{"plain with CRLF", pw1 + "\r\n", PasswordOption{Plain: pw1}, false},
		{"only one newline dropped", pw1 + "\n\n", PasswordOption{Plain: pw1 + "\n"}, false},
		{"map", `{"1":"` + pw1 + `","2":"` + pw2 + `"}` + "\n", PasswordOption{Object: map[string]string{"1": pw1, "2": pw2}}, false},
		{"id and secret", ` {"id":"2","secret":"` + pw2 + `"}`, PasswordOption{Object: map[string]string{"id": "2", "secret": pw2}}, false},
		{"merely starts with {", "{not json but a password of some length", PasswordOption{Plain: "{not json but a password of some length"}, false},
		{"object with a number", `{"1":42}`, PasswordOption{}, true},
		{"empty", "\n", PasswordOption{}, true},
	}
	for _, tt := range tests {
		got, err := ParsePasswordOption(tt.in)
		if (err != nil) != tt.err {
			t.Errorf("%s: err = %v", tt.name, err)
			continue
		}
		if err != nil {
			if !errors.Is(err, ErrConfig) {
				t.Errorf("%s: err = %v, want ErrConfig", tt.name, err)
			}
			continue
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tt.name, diff)
		}
	}
}

func TestPasswordOptionJSON(t *testing.T) {
	var cfg struct {
		A PasswordOption `json:"a"`
		B PasswordOption `json:"b"`
	}
	in := `{"a":"` + pw1 + `","b":{"1":"` + pw1 + `","id":"1","secret":"` + pw1 + `"}}`
	if err := json.Unmarshal([]byte(in), &cfg); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(PasswordOption{Plain: pw1}, cfg.A); diff != "" {
		t.Errorf("string form (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(PasswordOption{Object: map[string]string{"1": pw1, "id": "1", "secret": pw1}}, cfg.B); diff != "" {
		t.Errorf("object form (-want +got):\n%s", diff)
	}
	for _, bad := range []string{`{"a":42}`, `{"a":["x"]}`, `{"a":{"1":{"x":1}}}`} {
		if err := json.Unmarshal([]byte(bad), &cfg); !errors.Is(err, ErrConfig) {
			t.Errorf("%s: err = %v, want ErrConfig", bad, err)
		}
	}
}

func TestH3Config(t *testing.T) {
	obj := func(kv ...string) PasswordOption {
		m := map[string]string{}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return PasswordOption{Object: m}
	}
	base := Config{Iterations: H3Iterations, FallbackIterations: 1, TTL: time.Hour}
	with := func(ps []Password, sealID string, readOnly bool) Config {
		c := base
		c.Passwords, c.SealID, c.ReadOnly = ps, sealID, readOnly
		return c
	}
	tests := []struct {
		name string
		o    PasswordOption
		want Config
		err  bool
	}{
		{"plain", PasswordOption{Plain: pw1}, with([]Password{{Secret: pw1}}, "", false), false},
		{"map only: h3 cannot seal", obj("1", pw1, "2", pw2), with([]Password{{ID: "1", Secret: pw1}, {ID: "2", Secret: pw2}}, "", true), false},
		{"map and id/secret", obj("1", pw1, "2", pw2, "id", "2", "secret", pw2), with([]Password{{ID: "1", Secret: pw1}, {ID: "2", Secret: pw2}}, "2", false), false},
		{"bare id/secret also opens", obj("id", "2", "secret", pw2), with([]Password{{ID: "2", Secret: pw2}}, "2", false), false},
		{"secret without id seals unnamed", obj("1", pw1, "secret", pw2), with([]Password{{ID: "1", Secret: pw1}, {Secret: pw2}}, "", false), false},
		{"conflicting secret", obj("2", pw1, "id", "2", "secret", pw2), Config{}, true},
		{"id without secret", obj("1", pw1, "id", "1"), Config{}, true},
		{"split passwords", obj("encryption", pw1, "integrity", pw2), Config{}, true},
		{"empty key", obj("", pw1), Config{}, true},
		{"empty object", obj(), Config{}, true},
		{"empty plain", PasswordOption{}, Config{}, true},
	}
	for _, tt := range tests {
		got, err := H3Config(tt.o, time.Hour)
		if (err != nil) != tt.err || (err != nil && !errors.Is(err, ErrConfig)) {
			t.Errorf("%s: err = %v", tt.name, err)
			continue
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tt.name, diff)
		}
		if err == nil {
			if _, err := NewKeyring(got); err != nil {
				t.Errorf("%s: New refuses the helper's Config: %v", tt.name, err)
			}
		}
	}

	v1, err := H3V1Config(PasswordOption{Plain: pw1}, 0)
	if err != nil || v1.Iterations != 1 || v1.FallbackIterations != 0 {
		t.Errorf("H3V1Config = %+v, %v", v1, err)
	}
	raw, err := IronConfig(obj("k7", pw1), 0, 0)
	if err != nil || !raw.ReadOnly || raw.Iterations != 0 {
		t.Errorf("IronConfig = %+v, %v", raw, err)
	}
}

func TestIronSessionConfig(t *testing.T) {
	tests := []struct {
		name   string
		o      PasswordOption
		sealID string
		ids    []string
		err    bool
	}{
		{"plain is id 1", PasswordOption{Plain: pw1}, "1", []string{"1"}, false},
		{"highest numeric id seals", PasswordOption{Object: map[string]string{"2": pw2, "10": pw1, "9": pw3}}, "10", []string{"2", "9", "10"}, false},
		{"zero", PasswordOption{Object: map[string]string{"0": pw1}}, "0", []string{"0"}, false},
		{"non-numeric id", PasswordOption{Object: map[string]string{"a": pw1}}, "", nil, true},
		{"id and secret", PasswordOption{Object: map[string]string{"1": pw1, "id": "1", "secret": pw1}}, "", nil, true},
		{"leading zero", PasswordOption{Object: map[string]string{"01": pw1}}, "", nil, true},
		{"16 digits", PasswordOption{Object: map[string]string{strings.Repeat("9", 16): pw1}}, "", nil, true},
		{"empty", PasswordOption{Object: map[string]string{}}, "", nil, true},
	}
	for _, tt := range tests {
		got, err := IronSessionConfig(tt.o, IronSessionDefaultTTL)
		if (err != nil) != tt.err {
			t.Errorf("%s: err = %v", tt.name, err)
			continue
		}
		if err != nil {
			continue
		}
		var ids []string
		for _, p := range got.Passwords {
			ids = append(ids, p.ID)
		}
		if diff := cmp.Diff(tt.ids, ids); diff != "" || got.SealID != tt.sealID || got.Iterations != 1 || got.TTL != IronSessionDefaultTTL {
			t.Errorf("%s: SealID %q, config %+v, ids (-want +got):\n%s", tt.name, got.SealID, got, diff)
		}
	}
}
