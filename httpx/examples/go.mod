module github.com/sealcookie/sealcookie/httpx/examples

go 1.26.0

require github.com/sealcookie/sealcookie v0.0.0-00010101000000-000000000000

require (
	connectrpc.com/connect v1.21.1
	github.com/danielgtaylor/huma/v2 v2.37.2
	google.golang.org/protobuf v1.36.12
)

require (
	github.com/go-chi/chi/v5 v5.5.0
	golang.org/x/crypto v0.59.0 // indirect
	golang.org/x/sys v0.50.0 // indirect
)

replace github.com/sealcookie/sealcookie => ../..
