// Package readme cuts the quick start's Go program out of README.md, for the
// tests that build and run it as a user would (internal/readmetest with a
// cookie jar, internal/browser in Chromium).
package readme

import (
	"errors"
	"fmt"
	"strings"
)

// QuickStartAddr is the address the quick start listens on, as written.
const QuickStartAddr = "127.0.0.1:8080"

// QuickStart returns the first Go code block after the "## Quick start"
// heading of the README text, listening on addr instead of QuickStartAddr
// ("" keeps it).
func QuickStart(readme, addr string) (string, error) {
	_, after, ok := strings.Cut(readme, "\n## Quick start\n")
	if !ok {
		return "", errors.New(`README.md has no "## Quick start" section`)
	}
	_, code, ok := strings.Cut(after, "```go\n")
	if !ok {
		return "", errors.New("the quick start has no Go code block")
	}
	code, _, ok = strings.Cut(code, "```")
	if !ok {
		return "", errors.New("the quick start's Go code block is not closed")
	}
	if addr == "" {
		return code, nil
	}
	quoted := fmt.Sprintf("%q", QuickStartAddr)
	if strings.Count(code, quoted) != 1 {
		return "", fmt.Errorf("the quick start no longer listens on %s once", quoted)
	}
	return strings.Replace(code, quoted, fmt.Sprintf("%q", addr), 1), nil
}
