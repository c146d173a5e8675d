package main

import (
	"testing"
)

func TestDetect(t *testing.T) {
	tests := []struct {
		value string
		want  string
	}{
		{"Fe26.2**abc*def", formatIron},
		{"Fe26.2*2*abc*def~2", formatIronSession},
		{gorillaValue(t, "n", false), formatGorilla},
		{"", ""},
		{"plain text", ""},
	}
	for _, tt := range tests {
		got, err := detect(tt.value)
		if got != tt.want || (tt.want == "") != (err != nil) {
			t.Errorf("detect(%.20q) = %q, %v; want %q", tt.value, got, err, tt.want)
		}
	}
}

// TestParseFormat: every spelling --format takes, the checker's too, and
// the table's per-format choices.
func TestParseFormat(t *testing.T) {
	spellings := map[string]string{
		"auto":           formatAuto,
		"AUTO":           formatAuto,
		"native":         formatNative,
		"Native":         formatNative,
		"sealcookie":     formatNative,
		"h3":             formatH3v2,
		"h3v2":           formatH3v2,
		"H3V2":           formatH3v2,
		"h3@2":           formatH3v2,
		"h3v1":           formatH3v1,
		"h3@1":           formatH3v1,
		"iron-session":   formatIronSession,
		"iron":           formatIron,
		"iron-webcrypto": formatIron,
		"gorilla":        formatGorilla,
		"authjs":         formatAuthJS,
		"Auth.js":        formatAuthJS,
		"next-auth":      formatAuthJS,
		"securecookie":   formatGorilla,
	}
	for s, want := range spellings {
		if got, err := parseFormat(s); got != want || err != nil {
			t.Errorf("parseFormat(%q) = %q, %v; want %q", s, got, err, want)
		}
	}
	_, err := parseFormat("JWT")
	if want := `unknown --format "JWT": one of auto, native, h3v2, h3v1, iron, iron-session, authjs, gorilla`; err == nil || err.Error() != want {
		t.Errorf("parseFormat(JWT): %v, want %s", err, want)
	}
	for _, f := range formats {
		if f.describe == "" || f.decode == nil || (f.seal == nil) != (f.name == formatGorilla) {
			t.Errorf("format %s: a description and a decoder, and a sealer unless gorilla", f.name)
		}
	}
	names := map[string]string{formatNative: "__Host-session", formatH3v2: "h3", formatH3v1: "h3", formatIronSession: "iron-session", formatIron: "__Host-session", formatAuthJS: "__Secure-authjs.session-token", formatGorilla: ""}
	for f, want := range names {
		if got := defaultName(f); got != want {
			t.Errorf("defaultName(%s) = %q, want %q", f, got, want)
		}
	}
}
