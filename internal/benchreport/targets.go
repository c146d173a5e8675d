package main

import (
	"fmt"
	"time"
)

// status of a target.
type status int

const (
	unmeasured status = iota
	met
	notMet
)

func (s status) String() string {
	switch s {
	case met:
		return "met"
	case notMet:
		return "**not met**"
	}
	return "not measured"
}

// Target is one of the goals, checked against this run.
type Target struct {
	Name     string
	Goal     string
	Measured string // the figure and what it was computed from
	Status   status
}

// Goals of the issue, small payload, same run.
const (
	goalSealLimit    = 1.3  // Seal ≤ 1.3× the full limit
	goalSealJSON     = 2.5  // Seal ≥ 2.5× faster than gorilla JSON
	goalSealGob      = 7    // Seal ≥ 7× faster than gorilla gob
	goalOpenLimit    = 1.2  // Open ≤ 1.2× the full limit
	goalOpenJSON     = 2    // Open ≥ 2× faster than gorilla JSON
	goalOpenGob      = 8    // Open ≥ 8× faster than gorilla gob
	goalRequestLimit = 2    // Request ≤ 2× the full limit's round trip
	goalVsH3         = 1000 // ≥ 1000× less added time than h3 2.0.8
	goalExtraChars   = 16   // cookie ≤ bare + 16 characters
)

const goalWall = 10 * time.Minute

// ours returns the row that stands for sealcookie in an operation's
// targets, and a note when it is a stand-in for the one the issue names.
func ours(x *index, op, payload string) (row, string, bool) {
	switch op {
	case opSeal, opOpen:
		if r, ok := x.get(pkgSession, op, payload, "sealcookie"); ok {
			return r, "session", true
		}
		if r, ok := x.get(pkgSealed, op, payload, "sealcookie-json"); ok {
			return r, "sealed + encoding/json; session not measured", true
		}
	case opRequest:
		if r, ok := x.get(pkgHTTPX, op, payload, "sealcookie"); ok {
			return r, "httpx", true
		}
	}
	return row{}, "", false
}

// baselineOf returns the request a row's time is compared with to get the
// time its session adds: in the same package, the same payload's "bare"
// route (the cookie sent, the session ignored); for a "none" row, none/bare;
// else the package's first "none" row (bench.mjs has none/h3-node).
func baselineOf(x *index, r row) (row, bool) {
	if r.Op != opRequest || r.Scheme == "bare" {
		return row{}, false
	}
	if b, ok := x.get(r.Pkg, opRequest, r.Payload, "bare"); ok {
		return b, true
	}
	if r.Payload == none {
		return row{}, false
	}
	for _, b := range x.rows {
		if b.Pkg == r.Pkg && b.Op == opRequest && b.Payload == none {
			return b, true
		}
	}
	return row{}, false
}

// added returns the time a request row spends on top of its baseline.
func added(x *index, r row) (float64, bool) {
	b, ok := baselineOf(x, r)
	if !ok {
		return 0, false
	}
	return r.Ns - b.Ns, true
}

// Targets computes the goals from the run; nothing is assumed.
func Targets(x *index, run *Run) []Target {
	var ts []Target
	for _, t := range []struct {
		op, what  string
		limitGoal float64
		jsonGoal  float64
		gobGoal   float64
	}{
		{opSeal, "Seal (struct → cookie)", goalSealLimit, goalSealJSON, goalSealGob},
		{opOpen, "Open (cookie → struct)", goalOpenLimit, goalOpenJSON, goalOpenGob},
	} {
		o, src, haveOurs := ours(x, t.op, small)
		lim, haveLim := x.get(pkgBench, t.op, small, "limit-json")
		v2, haveV2 := x.get(pkgSession, t.op, small, "sealcookie-jsonv2")
		lt := atMost(t.what+" ≤ "+fmtRatio(t.limitGoal)+" the full limit (JSON + AEAD + base64url)",
			t.limitGoal, o, haveOurs, src, lim, haveLim)
		// Context for a miss, not a verdict: separate test binaries differ by
		// their noise, so also give the ratio to the limit measured beside ours.
		if own, ok := x.get(o.Pkg, t.op, small, "limit-json"); ok && haveOurs && lt.Status == notMet {
			lt.Measured += fmt.Sprintf("; %s the limit measured in the same test binary", fmtRatio(o.Ns/own.Ns))
		}
		ts = append(ts, lt)
		for _, p := range []struct {
			scheme, name string
			goal         float64
		}{
			{"gorilla-json", "gorilla/securecookie JSON", t.jsonGoal},
			{"gorilla-gob", "gorilla/securecookie gob", t.gobGoal},
		} {
			peer, havePeer := x.get(pkgBench, t.op, small, p.scheme)
			ft := faster(fmt.Sprintf("%s ≥ %s faster than %s", t.what, fmtRatio(p.goal), p.name),
				p.goal, o, haveOurs, src, peer, havePeer)
			if havePeer && ft.Status == notMet {
				// What bounds it: the JSON codec every scheme here pays.
				if haveLim {
					ft.Measured += fmt.Sprintf("; the bare limit itself: %s", fmtRatio(peer.Ns/lim.Ns))
				}
				if haveV2 {
					ft.Measured += fmt.Sprintf("; with session.JSONv2: %s", fmtRatio(peer.Ns/v2.Ns))
				}
			}
			ts = append(ts, ft)
		}
	}

	req, _, haveReq := ours(x, opRequest, small)
	rt, haveRT := x.get(pkgBench, opRoundtrip, small, "limit-json")
	t := Target{
		Name: "Full middleware request that reads and re-seals: time it adds ≤ 2× the full limit's open + seal round trip",
		Goal: "≤ " + fmtRatio(goalRequestLimit),
	}
	reqAdd, okAdd := 0.0, false
	if haveReq {
		reqAdd, okAdd = added(x, req)
	}
	switch {
	case !okAdd || !haveRT:
		t.Measured = missing(okAdd, "the httpx request and its bare baseline", haveRT, "the full limit's round trip")
	default:
		ratio := reqAdd / rt.Ns
		t.Measured = fmt.Sprintf("%s (%s added vs %s; the whole request, %s, is %s the round trip",
			fmtRatio(ratio), fmtNs(reqAdd), fmtNs(rt.Ns), fmtNs(req.Ns), fmtRatio(req.Ns/rt.Ns))
		if lr, ok := x.get(pkgBench, opRequest, small, "limit-json"); ok {
			t.Measured += fmt.Sprintf(" and %s the full limit written as a handler", fmtRatio(req.Ns/lr.Ns))
		}
		t.Measured += ")"
		t.Status = verdict(ratio <= goalRequestLimit)
	}
	ts = append(ts, t)

	t = Target{Name: "Time a request's session adds ≥ 1000× less than h3 2.0.8's", Goal: "≥ " + fmtRatio(goalVsH3)}
	h3, haveH3 := x.get(pkgNode, opRequest, small, "h3-node")
	var ourAdd, h3Add float64
	okOurs, okH3 := false, false
	if haveReq {
		ourAdd, okOurs = added(x, req)
	}
	if haveH3 {
		h3Add, okH3 = added(x, h3)
	}
	switch {
	case !okOurs || !okH3:
		t.Measured = missing(okOurs, "the httpx request and its bare baseline", okH3, "the h3 request and its baseline")
	case ourAdd <= 0:
		t.Measured = fmt.Sprintf("ours adds nothing measurable (%s); h3 adds %s", fmtNs(ourAdd), fmtNs(h3Add))
		t.Status = met
	default:
		ratio := h3Add / ourAdd
		t.Measured = fmt.Sprintf("%s (h3 adds %s, sealcookie %s)", fmtRatio(ratio), fmtNs(h3Add), fmtNs(ourAdd))
		t.Status = verdict(ratio >= goalVsH3)
	}
	ts = append(ts, t)

	t = Target{Name: "Cookie length ≤ the bare AEAD + base64url value + 16 characters", Goal: fmt.Sprintf("≤ +%d chars", goalExtraChars)}
	oc, ocSrc, haveOC := oursChars(x)
	lc, haveLC := x.get(pkgBench, opSeal, small, "limit")
	switch {
	case !haveOC || !haveLC || isNaN(lc.Chars):
		t.Measured = missing(haveOC, "our cookie length", haveLC && !isNaN(lc.Chars), "the limit's cookie length")
	default:
		extra := oc - lc.Chars
		t.Measured = fmt.Sprintf("+%s (%s vs %s chars; %s)", fmtCount(extra), fmtCount(oc), fmtCount(lc.Chars), ocSrc)
		t.Status = verdict(extra <= goalExtraChars)
	}
	ts = append(ts, t)

	t = Target{Name: "`make bench` takes under 10 minutes (this run, 2 cores)", Goal: "< 10m00s"}
	if run.Wall > 0 {
		t.Measured = fmtWall(run.Wall)
		t.Status = verdict(run.Wall < goalWall)
	} else {
		t.Measured = "not timed"
	}
	ts = append(ts, t)
	return ts
}

// oursChars is the small payload's cookie length as sealcookie writes it.
func oursChars(x *index) (float64, string, bool) {
	for _, c := range []struct{ pkg, op, scheme, src string }{
		{pkgSession, opSeal, "sealcookie", "session"},
		{pkgSession, opOpen, "sealcookie", "session"},
		{pkgSealed, opSeal, "sealcookie", "sealed; session not measured"},
	} {
		if r, ok := x.get(c.pkg, c.op, small, c.scheme); ok && !isNaN(r.Chars) {
			return r.Chars, c.src, true
		}
	}
	return 0, "", false
}

// atMost checks ours ÷ ref ≤ goal.
func atMost(name string, goal float64, o row, haveOurs bool, src string, ref row, haveRef bool) Target {
	t := Target{Name: name, Goal: "≤ " + fmtRatio(goal)}
	if !haveOurs || !haveRef {
		t.Measured = missing(haveOurs, "sealcookie", haveRef, "the limit")
		return t
	}
	r := o.Ns / ref.Ns
	t.Measured = fmt.Sprintf("%s (%s vs %s; %s)", fmtRatio(r), fmtNs(o.Ns), fmtNs(ref.Ns), src)
	t.Status = verdict(r <= goal)
	return t
}

// faster checks peer ÷ ours ≥ goal.
func faster(name string, goal float64, o row, haveOurs bool, src string, peer row, havePeer bool) Target {
	t := Target{Name: name, Goal: "≥ " + fmtRatio(goal)}
	if !haveOurs || !havePeer {
		t.Measured = missing(haveOurs, "sealcookie", havePeer, "the peer")
		return t
	}
	r := peer.Ns / o.Ns
	t.Measured = fmt.Sprintf("%s (%s vs %s; %s)", fmtRatio(r), fmtNs(peer.Ns), fmtNs(o.Ns), src)
	t.Status = verdict(r >= goal)
	return t
}

func verdict(ok bool) status {
	if ok {
		return met
	}
	return notMet
}

func missing(haveA bool, a string, haveB bool, b string) string {
	switch {
	case !haveA && !haveB:
		return a + " and " + b + " not measured"
	case !haveA:
		return a + " not measured"
	}
	return b + " not measured"
}
