package cookie

import (
	"fmt"
	"time"
)

// Cookie budgets: values for [Attributes.Budget], the most bytes of
// Set-Cookie header that a session's cookies may take. Each preset leaves
// room for the status line, the other response headers and the
// application's other cookies under the limit it is named after.
//
//	platform                 what it allows                                   preset
//	nginx, default settings  4 KiB for the whole upstream response header      DefaultBudget (one cookie)
//	                         (proxy_buffer_size; else 502 "upstream sent too
//	                         big header"), 8 KiB a request header line
//	                         (large_client_header_buffers; else 400)
//	curl                     8190 bytes of Cookie header; drops the rest       BudgetCurl
//	                         silently
//	API Gateway HTTP API     10240 bytes of request line and headers,          BudgetAPIGatewayHTTP
//	                         not raisable
//	Vercel                   16 KiB a request header                           BudgetVercel
//	Fastly                   unsets a Cookie header over 32 KiB                BudgetFastly
//	CloudFront (by name),    forward only the cookies they name: name.1, …     MaxChunks: 1 (and Name
//	Firebase Hosting         are dropped; Firebase forwards only "__session"   "__session" on Firebase)
//
// The default passes nginx's defaults, curl and API Gateway HTTP API
// together: with it a session is one cookie. Raise it (and put the limits of
// the proxies in front up to match) only where every hop allows it.
const (
	// DefaultBudget is the budget when Attributes.Budget is 0: 3072 bytes,
	// which keeps the session's Set-Cookie line and a typical response's
	// other headers within the 4096 bytes of nginx's default
	// proxy_buffer_size, and the session's share of a Cookie header far
	// below curl's 8190 bytes, nginx's 8 KiB and API Gateway's 10240.
	DefaultBudget = 3072

	// BudgetNginx is nginx with its default buffer sizes: the default.
	BudgetNginx = DefaultBudget

	// BudgetCurl fits in the 8190 bytes of Cookie header that curl sends,
	// with 1 KiB left for other cookies. Behind nginx, raise its
	// proxy_buffer_size and large_client_header_buffers to 16k first.
	BudgetCurl = 7168

	// BudgetAPIGatewayHTTP leaves 2 KiB of API Gateway HTTP API's 10240
	// bytes (request line and every header) for everything else.
	BudgetAPIGatewayHTTP = 8192

	// BudgetVercel leaves 2 KiB of Vercel's 16 KiB a header.
	BudgetVercel = 14 << 10

	// BudgetFastly leaves 4 KiB of the 32 KiB of Cookie header over which
	// Fastly drops the header.
	BudgetFastly = 28 << 10

	// NoBudget turns the budget off: only MaxChunks limits a value.
	NoBudget = -1
)

// ErrMissingChunks reports a chunked cookie whose chunks did not all
// arrive: the request carries name=__chunked__N without every name.i, or
// chunks without their main cookie. A client or a proxy dropped cookies
// (curl beyond 8190 bytes, a CDN that forwards cookies by name): keep the
// session within a budget that every hop passes. It wraps [ErrChunks].
var ErrMissingChunks = fmt.Errorf("%w: chunks missing", ErrChunks)

// setCookieOverhead is what a header line adds to a cookie line on the wire:
// "Set-Cookie: " and CRLF.
const setCookieOverhead = len("Set-Cookie: ") + len("\r\n")

// maxAgeDigits bounds the Max-Age attribute's digits in [Spec.MaxLen]'s
// estimate: up to 317 years, beyond any lifetime a browser keeps.
const maxAgeDigits = 10

// size returns the bytes of Set-Cookie header that Write produces for a
// value of n characters when attrs is the attribute part of each line.
func (s *Spec) size(n, attrs int) int {
	line := func(name string, v int) int { return setCookieOverhead + len(name) + 1 + v + attrs }
	if n <= ChunkSize {
		return line(s.name, n)
	}
	m := (n + ChunkSize - 1) / ChunkSize
	total := line(s.name, len(chunkedPrefix)+digits(m))
	for i := 1; i <= m; i++ {
		total += line(s.chunkNames[i], min(ChunkSize, n-(i-1)*ChunkSize))
	}
	return total
}

// Size returns the most bytes of Set-Cookie header ("Set-Cookie: " line
// CRLF, for the main cookie and every chunk) that [Spec.Write] produces for a
// value of n characters, with any Expires and a Max-Age of up to ten digits.
// The same cookies take fewer bytes in a request's Cookie header, which
// repeats only name=value. The budget is checked against the exact size.
func (s *Spec) Size(n int) int { return s.size(n, s.maxAttrLen) }

// maxAttrs returns the length of the longest attribute part a Write can
// produce: an Expires date and a ten-digit Max-Age.
func (s *Spec) maxAttrs() int {
	c := s.tmpl
	c.Value = "x"
	c.Expires = time.Date(2026, time.December, 31, 23, 59, 59, 0, time.UTC)
	c.MaxAge = 1e9 // ten digits
	return len(c.String()) - len(c.Name) - len("=x")
}

// maxValueLen is the longest value that fits both the chunk cap and the
// budget, found by bisection (size grows with n).
func (s *Spec) maxValueLen() int {
	hi := ChunkSize * s.attrs.MaxChunks
	if s.attrs.Budget < 0 || s.size(hi, s.maxAttrLen) <= s.attrs.Budget {
		return hi
	}
	lo := 0
	for lo < hi {
		mid := (lo + hi + 1) / 2
		if s.size(mid, s.maxAttrLen) <= s.attrs.Budget {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	return lo
}

// checkBudget refuses a value whose cookies, with these attributes, take
// more than the budget.
func (s *Spec) checkBudget(n int, attrs string) error {
	if s.attrs.Budget < 0 {
		return nil
	}
	if got := s.size(n, len(attrs)); got > s.attrs.Budget {
		return fmt.Errorf("%w: a %d-character value takes %d bytes of Set-Cookie header, over the cookie budget of %d bytes", ErrTooLarge, n, got, s.attrs.Budget)
	}
	return nil
}

// orphanChunks reports whether the request carries chunks of this cookie
// (name.1 …) without the main cookie: a proxy or client dropped it.
func (s *Spec) orphanChunks(cookies []string) bool {
	return s.requestChunks(cookies) != 0
}

// missingChunks wraps ErrMissingChunks with what was missing.
func (s *Spec) missingChunks(format string, args ...any) error {
	return fmt.Errorf("%w: cookie %s: "+format+" (a client or proxy in between dropped cookies: keep the session within a budget every hop passes)", append([]any{ErrMissingChunks, s.name}, args...)...)
}

func digits(n int) int {
	d := 1
	for ; n >= 10; n /= 10 {
		d++
	}
	return d
}
