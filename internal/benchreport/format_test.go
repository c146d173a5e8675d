package main

import (
	"math"
	"testing"
)

func TestFormat(t *testing.T) {
	inf := math.Inf(1)
	for _, c := range []struct{ got, want string }{
		{fmtNs(0.2538), "0.25 ns"},
		{fmtNs(873.4), "873 ns"},
		{fmtNs(2414), "2.41 µs"},
		{fmtNs(6_680_000), "6.68 ms"},
		{fmtNs(12_300_000_000), "12.3 s"},
		{fmtNs(-120), "−120 ns"},
		{fmtNs(math.NaN()), "—"},
		{fmtRatio(1.0449), "1.04×"},
		{fmtRatio(2589.4), "2,589×"},
		{fmtRatio(0.004), "<0.01×"},
		{fmtRatio(math.NaN()), "—"},
		{fmtRatio(-1), "—"},
		{fmtCount(1024), "1,024"},
		{fmtCount(1234567), "1,234,567"},
		{fmtCount(2.5), "3"},
		{fmtCount(-13), "−13"},
		{fmtCount(math.NaN()), "—"},
		// ± the larger side of the interval, as a share of the median.
		{fmtEst(Est{1720, 1690, 1772, 6}, fmtNs, false), "1.72 µs ±3%"},
		{fmtEst(Est{1.32, 1.25, 1.41, 6}, fmtRatio, true), "1.32× [1.25×, 1.41×]"},
		// An interval that holds zero cannot be a share of the median.
		{fmtEst(Est{109, -20, 300, 6}, fmtNs, false), "109 ns [−20.0 ns, 300 ns]"},
		{fmtEst(Est{3, -inf, 5, 5}, fmtNs, false), "3.00 ns (no CI, n=5)"},
		{fmtEst(Est{N: 0}, fmtNs, false), "—"},
	} {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
}
