package attacktest

import (
	"encoding/json"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/sealcookie/sealcookie/session"
)

// codecs are the JSON encodings the JSON attacks run with: encoding/json
// (on json/v2's engine under GOEXPERIMENT=jsonv2, and by default from Go
// 1.27), and session/jsonv2 where the build has it (json_v2_test.go).
var codecs = []struct {
	name string
	enc  session.Encoding
}{{"encoding/json", nil}}

// purse is session data with a map, whose keys are the data's own.
type purse struct {
	Tokens map[string]int `json:"tokens"`
	Owner  string         `json:"owner"`
}

// TestJSONErrorsNameNoData sends authentic cookies (sealed with the
// application's key, as a key holder or a peer with another session type
// could) whose JSON does not fit the session type, with secrets in map keys
// and member names, under every JSON codec: each gives a fresh session, and
// what OnError hears names the place from the Go type alone.
func TestJSONErrorsNameNoData(t *testing.T) {
	const secret = "sk_live_51HxSECRET"
	payloads := map[string]string{
		"a map value of the wrong type": `{"tokens":{"` + secret + `":"not a number"}}`,
		"a wrong type inside an array":  `{"tokens":{"` + secret + `":[1,2]}}`,
		"a member name repeated":        `{"tokens":{"` + secret + `":1,"` + secret + `":2},"owner":1}`,
		"invalid UTF-8 in a key":        "{\"tokens\":{\"" + secret + "\xff\":\"x\"}}",
		"a key in the wrong case":       `{"TOKENS":{"` + secret + `":"x"}}`,
	}
	for _, c := range codecs {
		t.Run(strings.ReplaceAll(c.name, "/", "-"), func(t *testing.T) {
			clk := newClock()
			errs := &errLog{}
			m, err := session.New(session.Config[purse]{Name: sidName, Keys: keys, MaxAge: maxAge, Clock: clk.Now, OnError: errs.Hook, Encoding: c.enc})
			if err != nil {
				t.Fatal(err)
			}
			srv := httptest.NewUnstartedServer(m.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				s := m.Get(r)
				_ = json.NewEncoder(w).Encode(map[string]any{"new": s.IsNew(), "owner": s.Data().Owner})
			})))
			srvLog := &syncBuffer{}
			srv.Config.ErrorLog = log.New(srvLog, "", 0)
			srv.StartTLS()
			defer srv.Close()
			client := srv.Client()
			reported := 0
			for name, data := range payloads {
				now := clk.Now()
				v := sealRaw(t, envelope("id-1", now, now, data), now)
				req, _ := http.NewRequest("GET", srv.URL+"/", nil)
				req.Header.Set("Cookie", sidName+"="+v)
				resp, err := client.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				var got struct {
					New bool `json:"new"`
				}
				_ = json.NewDecoder(resp.Body).Decode(&got)
				resp.Body.Close()
				heard := errs.Take()
				if name == "a map value of the wrong type" && len(heard) == 1 {
					reported++
				}
				switch {
				case resp.StatusCode != http.StatusOK:
					t.Errorf("%s: status %d", name, resp.StatusCode)
				case len(heard) == 0:
					// This codec accepts it (encoding/json matches names
					// case-insensitively and keeps the last duplicate):
					// nothing is reported, so nothing leaks.
					continue
				case !got.New || len(heard) != 1:
					t.Errorf("%s: fresh %v, OnError %q", name, got.New, clipErrs(heard))
				case strings.Contains(heard[0].Error(), "sk_live") || strings.Contains(heard[0].Error(), "not a number"):
					t.Errorf("%s: OnError heard %q: it carries the data", name, heard[0])
				}
			}
			if reported != 1 {
				t.Error("a map value of the wrong type was not reported: this test checks nothing")
			}
			if s := srvLog.String(); s != "" {
				t.Errorf("the server logged: %s", clip(s))
			}
		})
	}
}
