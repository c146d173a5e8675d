// Package testpayload loads the team's reference session payloads
// (testdata/payloads/small.json, about 210 bytes, and large.json, about 3 KB)
// and gives them Go types, so that every package's tests and benchmarks, and
// the Node benchmark script, work on the same bytes.
package testpayload

import (
	"fmt"
	"os"
	"path/filepath"
)

// Names of the reference payloads.
const (
	Small = "small"
	Large = "large"
)

// Envelope is h3's session shape: {id, createdAt, data}.
type Envelope struct {
	ID        string `json:"id"`
	CreatedAt int64  `json:"createdAt"`
	Data      Data   `json:"data"`
}

// Data is the application data of the reference payloads.
type Data struct {
	UserID string     `json:"userId"`
	Email  string     `json:"email"`
	Role   string     `json:"role"`
	Locale string     `json:"locale"`
	CSRF   string     `json:"csrf"`
	Views  int        `json:"views"`
	Cart   []CartItem `json:"cart,omitempty"`
	Recent []string   `json:"recent,omitempty"`
	Flash  []string   `json:"flash,omitempty"`
}

// CartItem is one line of the large payload's cart.
type CartItem struct {
	SKU        string `json:"sku"`
	Name       string `json:"name"`
	Qty        int    `json:"qty"`
	PriceCents int    `json:"priceCents"`
}

// Read returns the raw JSON of the named payload, found under the module root's testdata/payloads.
func Read(name string) ([]byte, error) {
	root, err := ModuleRoot()
	if err != nil {
		return nil, err
	}
	return os.ReadFile(filepath.Join(root, "testdata", "payloads", name+".json"))
}

// ModuleRoot walks up from the working directory to the folder holding go.mod.
func ModuleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("testpayload: no go.mod above the working directory")
		}
		dir = parent
	}
}
