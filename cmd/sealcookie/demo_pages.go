package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/sealcookie/sealcookie/httpx"
)

// page is what every template gets.
type page struct {
	Title    string
	User     string
	Visits   int
	Error    string
	Redirect string
	Inspect  *inspection
}

func (d *demo) render(w http.ResponseWriter, r *http.Request, status int, name string, p page) {
	s := d.m.Get(r)
	v := s.Data()
	p.User, p.Visits = v.User, v.Visits
	var b strings.Builder
	if err := d.pages[name].Execute(&b, p); err != nil {
		d.onError(r.Context(), err)
		http.Error(w, "template error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	io.WriteString(w, b.String())
}

// home counts visits, as h3's useSession example does.
func (d *demo) home(w http.ResponseWriter, r *http.Request) {
	s := d.m.Get(r)
	if err := s.Update(func(v *demoData) { v.Visits++ }); err != nil {
		d.onError(r.Context(), err)
	}
	d.render(w, r, http.StatusOK, "home", page{Title: "Visit counter"})
}

func (d *demo) loginForm(w http.ResponseWriter, r *http.Request) {
	d.render(w, r, http.StatusOK, "login", page{Title: "Log in", Redirect: httpx.RedirectTarget(r, "")})
}

// login accepts any name: it regenerates the session id, as every login
// must, and goes back to the page the guard came from.
func (d *demo) login(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 4<<10)
	name := strings.TrimSpace(r.PostFormValue("name"))
	target := httpx.RedirectTarget(r, "")
	if name == "" || !utf8.ValidString(name) || utf8.RuneCountInString(name) > maxUserName || strings.ContainsFunc(name, isControl) {
		d.render(w, r, http.StatusBadRequest, "login", page{Title: "Log in", Redirect: target,
			Error: fmt.Sprintf("Enter a name of 1 to %d characters.", maxUserName)})
		return
	}
	s := d.m.Get(r)
	s.Regenerate()
	if err := s.Update(func(v *demoData) { v.User = name }); err != nil {
		http.Error(w, "the session is too large", http.StatusRequestEntityTooLarge)
		return
	}
	http.Redirect(w, r, target, http.StatusSeeOther)
}

func isControl(r rune) bool { return r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) }

func (d *demo) account(w http.ResponseWriter, r *http.Request) {
	d.render(w, r, http.StatusOK, "account", page{Title: "Account"})
}

// large stores a value that fills most of the default cookie budget.
func (d *demo) large(w http.ResponseWriter, r *http.Request) {
	d.setBlob(w, r, largeBlob())
}

// shrink removes it again.
func (d *demo) shrink(w http.ResponseWriter, r *http.Request) {
	d.setBlob(w, r, "")
}

func (d *demo) setBlob(w http.ResponseWriter, r *http.Request, blob string) {
	if err := d.m.Get(r).Update(func(v *demoData) { v.Blob = blob }); err != nil {
		d.render(w, r, http.StatusRequestEntityTooLarge, "inspect", page{Title: "Too large", Error: err.Error(), Inspect: d.inspection(r)})
		return
	}
	http.Redirect(w, r, "/inspect", http.StatusSeeOther)
}

// largeBlob is blobSize characters of text.
func largeBlob() string {
	const phrase = "a large session value, within the cookie budget; "
	return strings.Repeat(phrase, blobSize/len(phrase)+1)[:blobSize]
}

// inspection is the decoded session of a request, for the inspect page.
type inspection struct {
	ID, Source                     string
	New                            bool
	Created, LastSeen, Expires     string
	Cookie                         string
	Size, Chunks, CookieHeaderSize int
	CookieHeaderBudget             int
	Data                           string
	DecodeCmd, DecodeNote          string
}

func (d *demo) inspect(w http.ResponseWriter, r *http.Request) {
	d.render(w, r, http.StatusOK, "inspect", page{Title: "Inspect the session", Inspect: d.inspection(r)})
}

func (d *demo) inspection(r *http.Request) *inspection {
	s := d.m.Get(r)
	in := &inspection{
		ID:                 s.ID(),
		Source:             "none",
		New:                s.IsNew(),
		Created:            s.CreatedAt().UTC().Format(time.RFC3339),
		Expires:            s.ExpiresAt().UTC().Format(time.RFC3339),
		Cookie:             d.m.Name(),
		CookieHeaderSize:   cookieHeaderLen(r),
		CookieHeaderBudget: cookieHeaderBudget,
		DecodeCmd:          d.decodeCmd,
		DecodeNote:         d.decodeNote,
	}
	if t := s.LastSeenAt(); !t.IsZero() {
		in.LastSeen = t.UTC().Format(time.RFC3339)
	}
	// A non-empty session header wins over the cookie.
	if v := r.Header.Get(d.m.HeaderName()); v != "" {
		in.Source, in.Size = "header", len(v)
	} else if v, chunks, err := d.spec.Read(r.Header["Cookie"]); err == nil {
		in.Source, in.Size, in.Chunks = "cookie", len(v), chunks
	}
	data := s.Data()
	shown := struct {
		Visits int    `json:"visits,omitempty"`
		User   string `json:"user,omitempty"`
		Blob   string `json:"blob,omitempty"`
	}(data)
	if n := len(data.Blob); n > 60 {
		shown.Blob = fmt.Sprintf("%s… (%d characters)", data.Blob[:60], n)
	}
	b, _ := json.MarshalIndent(shown, "", "  ")
	in.Data = string(b)
	return in
}

// cookieHeaderLen is the length of the request's Cookie header line as a
// client sends it ("Cookie: " and the value; HTTP/1.1 joins several with
// "; ").
func cookieHeaderLen(r *http.Request) int {
	v := r.Header.Values("Cookie")
	if len(v) == 0 {
		return 0
	}
	return len("Cookie: ") + len(strings.Join(v, "; "))
}
