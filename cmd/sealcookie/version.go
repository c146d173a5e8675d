package main

import (
	"fmt"
	"runtime/debug"
	"strings"
)

// versionLine describes this build for --version: the module version (a tag,
// a pseudo-version, or "(devel)"), the VCS revision and time the go command
// stamped into the binary, and the Go release that built it. ok is
// debug.ReadBuildInfo's.
func versionLine(bi *debug.BuildInfo, ok bool) string {
	if !ok || bi == nil {
		return "sealcookie (no build information)"
	}
	v := bi.Main.Version
	if v == "" {
		v = "(devel)"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "sealcookie %s", v)
	s := map[string]string{}
	for _, kv := range bi.Settings {
		s[kv.Key] = kv.Value
	}
	if rev := s["vcs.revision"]; rev != "" {
		fields := []string{s["vcs"] + " " + rev}
		if t := s["vcs.time"]; t != "" {
			fields = append(fields, t)
		}
		if s["vcs.modified"] == "true" {
			fields = append(fields, "modified")
		}
		fmt.Fprintf(&b, " (%s)", strings.Join(fields, ", "))
	} else if v == "(devel)" {
		b.WriteString(" (no VCS revision: built with -buildvcs=false or outside a checkout)")
	}
	if bi.GoVersion != "" {
		fmt.Fprintf(&b, " %s", bi.GoVersion)
	}
	if s["GOOS"] != "" && s["GOARCH"] != "" {
		fmt.Fprintf(&b, " %s/%s", s["GOOS"], s["GOARCH"])
	}
	return b.String()
}
