// Package cloudrun runs a sealcookie session on Cloud Run and Cloud
// Functions (2nd gen) through functions-framework-go, behind Firebase
// Hosting. It is an example as much as a package, a module of its own so
// that the library's go.mod does not grow Google's framework; cmd/example
// is the program to deploy.
//
// # Firebase Hosting forwards one cookie
//
// Firebase Hosting strips every cookie but one named __session from the
// requests it rewrites to Cloud Run or Cloud Functions. The session must
// therefore be that one cookie: Config.Name "__session", and
// Config.Cookie.MaxChunks 1 (a chunk, __session.1, would be stripped too).
// The default cookie budget keeps it far below the 4 KB a cookie may hold;
// Update refuses anything larger with session.ErrTooLarge. [NewManager]
// configures exactly that. Without Firebase in front (Cloud Run alone),
// any name works, and so do chunks within the budget.
//
// Cloud Run sets PORT; functions-framework-go serves the registered function
// on it (FUNCTION_TARGET names it).
package cloudrun

import (
	"fmt"
	"net/http"

	"github.com/GoogleCloudPlatform/functions-framework-go/functions"

	"github.com/sealcookie/sealcookie/cookie"
	"github.com/sealcookie/sealcookie/sealed"
	"github.com/sealcookie/sealcookie/session"
)

// Visit is the example's session data.
type Visit struct {
	Count int    `json:"count"`
	Name  string `json:"name,omitempty"`
}

// NewManager returns the example's Manager: the one cookie Firebase Hosting
// forwards, __session, never chunked.
func NewManager(password string) (*session.Manager[Visit], error) {
	return session.New(session.Config[Visit]{
		Name:   "__session",
		Keys:   []sealed.Key{{ID: 1, Password: password}},
		Cookie: cookie.Attributes{MaxChunks: 1},
	})
}

// Handler counts the visits of a session, and remembers ?name= when given.
func Handler(m *session.Manager[Visit]) http.Handler {
	return m.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s := m.Get(r)
		name := r.URL.Query().Get("name")
		if err := s.Update(func(v *Visit) {
			v.Count++
			if name != "" {
				v.Name = name
			}
		}); err != nil {
			http.Error(w, "session too large", http.StatusRequestEntityTooLarge)
			return
		}
		v := s.Data()
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprintf(w, "visit %d %s\n", v.Count, v.Name)
	}))
}

// Register registers the handler with functions-framework-go under name,
// the FUNCTION_TARGET of the deployment.
func Register(name string, m *session.Manager[Visit]) {
	functions.HTTP(name, Handler(m).ServeHTTP)
}
