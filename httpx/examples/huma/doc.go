// Package huma shows sealcookie sessions in a huma
// (github.com/danielgtaylor/huma/v2) API. huma runs on a router (here
// net/http's ServeMux through its humago adapter; chi, gin, echo and Fiber
// adapters exist too) and hands each operation the request's context, so
// the session's middleware goes around the router, and operations reach the
// session with m.From(ctx). The package has no code of its own; see the
// example, and the tests that run the scenario set every framework
// integration is tested with.
package huma
