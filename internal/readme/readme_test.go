package readme

import (
	"strings"
	"testing"
)

func TestQuickStart(t *testing.T) {
	const doc = "# x\n\n## Quick start\n\n```sh\nexport X=1\n```\n\n```go\npackage main\n\nvar addr = \"127.0.0.1:8080\"\n```\n\n## Next\n\n```go\nother\n```\n"
	code, err := QuickStart(doc, "127.0.0.1:9")
	if err != nil || code != "package main\n\nvar addr = \"127.0.0.1:9\"\n" {
		t.Errorf("QuickStart = %q, %v", code, err)
	}
	if code, err := QuickStart(doc, ""); err != nil || !strings.Contains(code, "8080") {
		t.Errorf("QuickStart without an address = %q, %v", code, err)
	}
	for _, bad := range []string{
		"# no section\n",
		"## Quick start\n\nno code\n",
		"## Quick start\n\n```go\nunclosed\n",
		"## Quick start\n\n```go\nno address\n```\n",
	} {
		if _, err := QuickStart("\n"+bad, "127.0.0.1:9"); err == nil {
			t.Errorf("QuickStart(%q): no error", bad)
		}
	}
}
