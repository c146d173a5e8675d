package main

import "strings"

// flagProblem rewords an error of package flag in the --long spelling the
// help uses: "unknown option --x" rather than "flag provided but not
// defined: -x".
func flagProblem(err error) string {
	s := err.Error()
	if name, ok := strings.CutPrefix(s, "flag provided but not defined: -"); ok {
		return "unknown option --" + name
	}
	if name, ok := strings.CutPrefix(s, "flag needs an argument: -"); ok {
		return "option --" + name + " needs a value"
	}
	if rest, ok := strings.CutPrefix(s, "bad flag syntax: "); ok {
		return "bad option syntax: " + rest
	}
	// invalid value "x" for flag -name: why; invalid boolean value "x" for -name: why
	return strings.NewReplacer(" for flag -", " for --", " for -", " for --").Replace(s)
}
