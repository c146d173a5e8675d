package main

import (
	"runtime/debug"
	"strings"
	"testing"
)

func TestVersionLine(t *testing.T) {
	settings := func(kv ...string) []debug.BuildSetting {
		var s []debug.BuildSetting
		for i := 0; i < len(kv); i += 2 {
			s = append(s, debug.BuildSetting{Key: kv[i], Value: kv[i+1]})
		}
		return s
	}
	platform := []string{"GOOS", "linux", "GOARCH", "amd64"}
	tests := []struct {
		name string
		bi   *debug.BuildInfo
		ok   bool
		want string
	}{
		{"go install of a tag", &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "v0.1.0"}, Settings: settings(platform...)}, true,
			"sealcookie v0.1.0 go1.26.8 linux/amd64"},
		{"a build in a clone", &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "v0.1.1-0.20260115100000-0123456789ab+dirty"},
			Settings: settings(append([]string{"vcs", "git", "vcs.revision", "0123456789abcdef0123456789abcdef01234567", "vcs.time", "2026-01-15T10:00:00Z", "vcs.modified", "true"}, platform...)...)}, true,
			"sealcookie v0.1.1-0.20260115100000-0123456789ab+dirty (git 0123456789abcdef0123456789abcdef01234567, 2026-01-15T10:00:00Z, modified) go1.26.8 linux/amd64"},
		{"a clean build in a clone", &debug.BuildInfo{GoVersion: "go1.27.3", Main: debug.Module{Version: "(devel)"},
			Settings: settings("vcs", "git", "vcs.revision", "0123456789abcdef0123456789abcdef01234567", "vcs.modified", "false")}, true,
			"sealcookie (devel) (git 0123456789abcdef0123456789abcdef01234567) go1.27.3"},
		{"no VCS stamp", &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "(devel)"}}, true,
			"sealcookie (devel) (no VCS revision: built with -buildvcs=false or outside a checkout) go1.26.8"},
		{"no build information", nil, false, "sealcookie (no build information)"},
	}
	for _, tt := range tests {
		if got := versionLine(tt.bi, tt.ok); got != tt.want {
			t.Errorf("%s:\n got %q\nwant %q", tt.name, got, tt.want)
		}
	}
}

// TestVersionFlag: --version (and version) print one line on stdout and exit
// 0; the go command's own stamp of the test binary is what it shows.
func TestVersionFlag(t *testing.T) {
	want := versionLine(debug.ReadBuildInfo())
	for _, arg := range []string{"--version", "-version", "version"} {
		r := runWith(t, nil, "", arg)
		if r.code != 0 || r.stdout != want+"\n" || r.stderr != "" {
			t.Errorf("sealcookie %s: exit %d, stdout %q, stderr %q; want %q", arg, r.code, r.stdout, r.stderr, want)
		}
		if !strings.HasPrefix(r.stdout, "sealcookie ") {
			t.Errorf("sealcookie %s: %q", arg, r.stdout)
		}
	}
	if h := runWith(t, nil, "", "help"); !strings.Contains(h.stdout, "sealcookie --version") {
		t.Errorf("the usage does not list --version:\n%s", h.stdout)
	}
}
