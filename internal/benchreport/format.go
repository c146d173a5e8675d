package main

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// fmtNs writes a duration in nanoseconds with three significant digits and
// the unit that keeps it short: "873 ns", "2.41 µs", "6.68 ms".
func fmtNs(ns float64) string {
	if math.IsNaN(ns) || math.IsInf(ns, 0) {
		return "—"
	}
	neg := ns < 0
	if neg {
		ns = -ns
	}
	var s string
	switch {
	case ns < 1e3:
		s = sig3(ns) + " ns"
	case ns < 1e6:
		s = sig3(ns/1e3) + " µs"
	case ns < 1e9:
		s = sig3(ns/1e6) + " ms"
	default:
		s = sig3(ns/1e9) + " s"
	}
	if neg {
		return "−" + s
	}
	return s
}

// sig3 formats v (≥ 0) with three significant digits, without exponent,
// grouping thousands: 0.452, 4.52, 45.2, 452, 4,520.
func sig3(v float64) string {
	switch {
	case v == 0:
		return "0"
	case v < 10:
		return strconv.FormatFloat(v, 'f', 2, 64)
	case v < 100:
		return strconv.FormatFloat(v, 'f', 1, 64)
	default:
		return group(int64(math.Round(v)))
	}
}

// fmtRatio formats a ratio as "1.04×", "12.3×" or "4,680×".
func fmtRatio(r float64) string {
	if math.IsNaN(r) || math.IsInf(r, 0) || r <= 0 {
		return "—"
	}
	if r < 0.01 {
		return "<0.01×"
	}
	return sig3(r) + "×"
}

// fmtCount formats a count ("1", "13", "1,024") or "—" for NaN.
func fmtCount(v float64) string {
	if math.IsNaN(v) {
		return "—"
	}
	if v != math.Trunc(v) && v < 100 {
		return strconv.FormatFloat(v, 'f', 1, 64)
	}
	return group(int64(math.Round(v)))
}

// fmtSpread formats a Spread share as "±12%".
func fmtSpread(s float64) string {
	if math.IsNaN(s) {
		return "—"
	}
	return fmt.Sprintf("±%.0f%%", s*100)
}

// group writes n with thousands separators.
func group(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// fmtWall formats a run's wall time: "3m12s", "48s".
func fmtWall(d time.Duration) string {
	d = d.Round(time.Second)
	if d < time.Minute {
		return fmt.Sprintf("%ds", int(d.Seconds()))
	}
	return fmt.Sprintf("%dm%02ds", int(d.Minutes()), int(d.Seconds())%60)
}
