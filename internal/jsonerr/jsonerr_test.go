package jsonerr

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

func TestTypeMismatchQuotesNoData(t *testing.T) {
	var v struct{ Secret int }
	err := json.Unmarshal([]byte(`{"Secret": 123456789.5}`), &v)
	field, goType, kind, ok := TypeMismatch(err)
	if !ok || field != "Secret" || goType != "int" || kind != "number" {
		t.Fatalf("TypeMismatch = %q %q %q %v", field, goType, kind, ok)
	}
	if !strings.Contains(err.Error(), "123456789.5") {
		t.Fatal("encoding/json no longer quotes the number: this helper may be unnecessary")
	}
	if _, _, _, ok := TypeMismatch(errors.New("other")); ok {
		t.Error("matched a foreign error")
	}
}
