// Package examples holds no code: its sub-packages are the runnable,
// tested examples of sealcookie sessions in routers and frameworks that take
// the net/http middleware as it is (chi, huma, connect-go). They live in a
// module of their own so that the library's go.mod does not take those
// frameworks on.
package examples
