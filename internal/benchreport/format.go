package main

import (
	"fmt"
	"math"
	"strconv"
)

// fmtNs writes nanoseconds with three significant digits and the unit that
// keeps it short: "873 ns", "2.41 µs", "6.68 ms", "−120 ns".
func fmtNs(ns float64) string {
	if math.IsNaN(ns) || math.IsInf(ns, 0) {
		return "—"
	}
	i := min(int(math.Log10(math.Max(math.Abs(ns), 1)))/3, 3)
	return sig3(ns/math.Pow(1000, float64(i))) + []string{" ns", " µs", " ms", " s"}[i]
}

// sig3 writes v with three significant digits, grouping thousands: 0.45,
// 4.52, 45.2, 452, 4,520, −1.20.
func sig3(v float64) string {
	switch a := math.Abs(v); {
	case v < 0:
		return "−" + sig3(-v)
	case a < 10:
		return strconv.FormatFloat(v, 'f', 2, 64)
	case a < 100:
		return strconv.FormatFloat(v, 'f', 1, 64)
	}
	return fmtCount(v)
}

// fmtRatio writes "1.04×", "12.3×", "4,680×" or "<0.01×".
func fmtRatio(r float64) string {
	switch {
	case math.IsNaN(r) || math.IsInf(r, 0) || r <= 0:
		return "—"
	case r < 0.01:
		return "<0.01×"
	}
	return sig3(r) + "×"
}

// fmtCount writes a whole number with thousands separators ("1,024",
// "−2"), or "—" for NaN.
func fmtCount(v float64) string {
	if math.IsNaN(v) {
		return "—"
	}
	s := strconv.FormatInt(int64(math.Round(math.Abs(v))), 10)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	if v <= -0.5 {
		return "−" + s
	}
	return s
}

// fmtEst writes a median with its interval: "1.72 µs ±3%", ± its larger
// side as a share of the median, or with brackets (or when the interval
// holds zero) "1.32× [1.25, 1.41]".
func fmtEst(e Est, f func(float64) string, brackets bool) string {
	switch {
	case !e.ok():
		return "—"
	case math.IsInf(e.Lo, 0) || math.IsInf(e.Hi, 0):
		return fmt.Sprintf("%s (no CI, n=%d)", f(e.Center), e.N)
	case brackets || e.Center == 0 || e.Lo <= 0 && e.Center > 0 || e.Hi >= 0 && e.Center < 0:
		return fmt.Sprintf("%s [%s, %s]", f(e.Center), f(e.Lo), f(e.Hi))
	}
	return fmt.Sprintf("%s ±%.0f%%", f(e.Center), 100*math.Max(e.Hi-e.Center, e.Center-e.Lo)/math.Abs(e.Center))
}
