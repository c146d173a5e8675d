package main

import (
	"net/http"

	"github.com/sealcookie/sealcookie/session"
	"github.com/sealcookie/sealcookie/session/revoke"
)

// withRevocation gives the demo "log out everywhere": a Revoker with the
// embedded store (one server: one clock, so no skew margin), installed in
// cfg before the Manager is built from it.
func (d *demo) withRevocation(cfg *session.Config[demoData]) error {
	rv, err := revoke.New(cfg, revoke.Config[demoData]{
		User:      func(v demoData) string { return v.User },
		ClockSkew: -1,
	})
	d.rv = rv
	return err
}

// revokeSession is the logout handler's OnLogout: the session is revoked,
// not only its cookie deleted, so a copy of the cookie is refused too.
func (d *demo) revokeSession(r *http.Request, s *session.Session[demoData]) {
	if s.IsNew() {
		return
	}
	if err := d.rv.RevokeSession(r.Context(), s.ID(), s.CreatedAt()); err != nil {
		d.onError(r.Context(), err)
	}
}

// logoutEverywhere ends every session of the signed-in user, in every
// browser, this one included, and goes home.
func (d *demo) logoutEverywhere(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	s := d.m.Get(r)
	user := s.Data().User
	if user == "" {
		http.Redirect(w, r, "/auth/login", http.StatusSeeOther)
		return
	}
	if err := d.rv.RevokeUser(r.Context(), user); err != nil {
		d.onError(r.Context(), err)
		http.Error(w, "could not log out everywhere; try again", http.StatusServiceUnavailable)
		return
	}
	s.Clear()
	http.Redirect(w, r, "/", http.StatusSeeOther)
}
