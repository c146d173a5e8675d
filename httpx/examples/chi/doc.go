// Package chi shows sealcookie sessions in a chi (github.com/go-chi/chi/v5)
// router. chi takes func(http.Handler) http.Handler middleware and hands
// handlers the standard http.ResponseWriter and *http.Request, so
// session.Manager.Middleware works as it is: r.Use(m.Middleware), and
// m.Get(r) in handlers. The package has no code of its own; see the
// examples, and the tests that run the scenario set every framework
// integration is tested with.
package chi
