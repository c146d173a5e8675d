package session_test

import (
	"net/http"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/sealcookie/sealcookie/sealed"
	"github.com/sealcookie/sealcookie/session"
)

// With no Config.Clock the Manager reads time.Now: in a synctest bubble the
// fake clock moves only when every goroutine sleeps, so the real default
// path is tested at the exact limits without a clock of our own.
func TestDefaultClockLimits(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		log := &errLog{}
		m, err := session.New(session.Config[User]{
			Name: "app", Keys: []sealed.Key{key1}, OnError: log.Hook,
			MaxAge: 3 * time.Hour, IdleTimeout: time.Hour, ClockSkew: -1,
		})
		if err != nil {
			t.Fatal(err)
		}
		save := func(s *session.Session[User]) []string {
			h := http.Header{}
			if err := s.Save(h); err != nil {
				t.Fatal(err)
			}
			return h["Set-Cookie"]
		}
		s := m.Load(t.Context(), nil, "")
		if err := s.Update(func(u *User) { u.Name = "ada" }); err != nil {
			t.Fatal(err)
		}
		cookies := []string{firstPair(save(s))}

		// Idle: valid until just before lastSeenAt + IdleTimeout.
		time.Sleep(time.Hour - time.Millisecond)
		if s := m.Load(t.Context(), cookies, ""); s.IsNew() {
			t.Fatalf("expired 1 ms before the idle timeout: %v", log.Take())
		}
		time.Sleep(time.Millisecond)
		if s := m.Load(t.Context(), cookies, ""); !s.IsNew() || !log.Has(sealed.ErrExpired) {
			t.Fatalf("still valid at the idle timeout: new=%v, errors %v", s.IsNew(), log.Take())
		}

		// Sliding never extends MaxAge: a session refreshed every 40 minutes
		// (re-sealed past half the idle window) ends 3 hours after it began.
		start := time.Now()
		s = m.Load(t.Context(), nil, "")
		s.Update(func(u *User) { u.Name = "grace" })
		cookies = []string{firstPair(save(s))}
		for time.Since(start) < 3*time.Hour-40*time.Minute {
			time.Sleep(40 * time.Minute)
			s := m.Load(t.Context(), cookies, "")
			if s.IsNew() {
				t.Fatalf("refreshed session lost after %v: %v", time.Since(start), log.Take())
			}
			if lines := save(s); len(lines) == 1 {
				cookies = []string{firstPair(lines)}
			}
		}
		time.Sleep(3*time.Hour - time.Since(start))
		if s := m.Load(t.Context(), cookies, ""); !s.IsNew() {
			t.Errorf("an active session outlived MaxAge")
		}
	})
}

// firstPair returns the name=value of the first Set-Cookie line.
func firstPair(lines []string) string {
	if len(lines) == 0 {
		return ""
	}
	pair, _, _ := strings.Cut(lines[0], ";")
	return pair
}
