package main

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestOnlyJSONv2(t *testing.T) {
	o := Output{Results: []Result{
		{Pkg: "session", Name: "BenchmarkDecode/small/sealcookie"},
		{Pkg: "session", Name: "BenchmarkDecode/small/sealcookie-jsonv2"},
		{Pkg: "session", Name: "BenchmarkDecode/small/limit-json"},
		{Pkg: "session", Name: "BenchmarkEncode/large/sealcookie-jsonv2"},
	}}
	var got []string
	for _, r := range onlyJSONv2(o).Results {
		got = append(got, r.Name)
	}
	want := []string{"BenchmarkDecode/small/sealcookie-jsonv2", "BenchmarkEncode/large/sealcookie-jsonv2"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("kept rows (-want +got):\n%s", diff)
	}
}

func TestJSONv2Line(t *testing.T) {
	if _, ok := jsonv2Line(newIndex(nil)); ok {
		t.Error("a line without JSONv2 rows")
	}
	x := newIndex([]Stat{
		stat(pkgSession, "BenchmarkDecode/small/sealcookie", 4000),
		stat(pkgSession, "BenchmarkDecode/small/sealcookie-jsonv2", 2000),
		stat(pkgBench, "BenchmarkOpen/small/gorilla-json", 7000),
	})
	line, ok := jsonv2Line(x)
	if !ok {
		t.Fatal("no line with JSONv2 rows")
	}
	for _, want := range []string{"opens the typical session in 2.00 µs", "2.00× as fast as with encoding/json", "3.50× faster than gorilla/securecookie JSON"} {
		if !strings.Contains(line, want) {
			t.Errorf("line %q lacks %q", line, want)
		}
	}
	if strings.Contains(line, "seals") {
		t.Errorf("line %q mentions a seal that was not measured", line)
	}
}
