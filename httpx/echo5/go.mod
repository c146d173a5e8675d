module github.com/sealcookie/sealcookie/httpx/echo5

go 1.26.0

require (
	github.com/google/go-cmp v0.7.0
	github.com/labstack/echo/v5 v5.4.4
	github.com/sealcookie/sealcookie v0.0.0-00010101000000-000000000000
)

require (
	golang.org/x/crypto v0.59.0 // indirect
	golang.org/x/sys v0.50.0 // indirect
)

replace github.com/sealcookie/sealcookie => ../..
