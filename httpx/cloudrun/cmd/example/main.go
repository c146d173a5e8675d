// Command example serves the cloudrun package's session counter with
// functions-framework-go on $PORT (8080 when unset), as Cloud Run and Cloud
// Functions run it: FUNCTION_TARGET=Session, SEALCOOKIE_PASSWORD set (from
// Secret Manager, say).
package main

import (
	"log"
	"os"

	"github.com/GoogleCloudPlatform/functions-framework-go/funcframework"

	"github.com/sealcookie/sealcookie/httpx/cloudrun"
)

func main() {
	m, err := cloudrun.NewManager(os.Getenv("SEALCOOKIE_PASSWORD"))
	if err != nil {
		log.Fatal(err)
	}
	cloudrun.Register("Session", m)
	port := os.Getenv("PORT")
	if port == "" {
		port = "8080"
	}
	if err := funcframework.Start(port); err != nil {
		log.Fatal(err)
	}
}
