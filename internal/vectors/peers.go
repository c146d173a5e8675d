package vectors

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// PeersSchema is the only schema LoadPeers accepts.
const PeersSchema = "sealcookie-peer-vectors/1"

// PeersRelPath is the peer vectors file's path relative to the module root:
// the cases where sealcookie and its JavaScript peers once disagreed, and
// the peers added beside h3 and iron-session 8 (nuxt-auth-utils,
// iron-session 9), written by internal/node/gen-peers.mjs (see
// testdata/interop/README.md).
const PeersRelPath = "testdata/interop/peers.json"

// Kinds of peer case.
const (
	PeerEmptySession  = "empty-session"   // a session with no data
	PeerLargeValue    = "large-value"     // one cookie over 4000 characters that browsers keep
	PeerStaleChunks   = "stale-chunks"    // chunks past the count, left by overlapping requests
	PeerSameSite      = "samesite"        // the cookie attributes a peer writes
	PeerNuxtAuthUtils = "nuxt-auth-utils" // nuxt-auth-utils's sessions
	PeerIronSession9  = "iron-session9"   // iron-session 9's rules
	PeerNoExpiration  = "no-expiration"   // seals without an expiration field
)

// PeerFile is the whole peer vectors file.
type PeerFile struct {
	Schema        string            `json:"schema"`
	Producer      string            `json:"producer"`
	GeneratedWith map[string]string `json:"generatedWith"` // package → exact version
	Notes         []string          `json:"notes"`
	Cases         []PeerCase        `json:"cases"`
}

// PeerCase is one vector: steps run by the real library, in order.
type PeerCase struct {
	Name        string     `json:"name"`
	Kind        string     `json:"kind"` // one of the Peer* kinds
	Description string     `json:"description"`
	Steps       []PeerStep `json:"steps"`
	// Plaintext is the JSON sealed in the first step's cookie, or that of
	// the input marked SealedBy.
	Plaintext string `json:"plaintext"`
	// SealedBy names the tool that sealed an input no peer wrote.
	SealedBy string `json:"sealedBy"`
	// ValueLength is the length of a large-value case's cookie value.
	ValueLength int `json:"valueLength"`
	// CookieHeader is what the browser holds after the steps, when the
	// case composes it from several responses (stale chunks).
	CookieHeader string `json:"cookieHeader"`
}

// PeerStep is one job of internal/node/verify.mjs and the library's answer.
type PeerStep struct {
	Producer string      `json:"producer"` // library@version
	Lib      string      `json:"lib"`      // h3v2, h3v1, iron-session, iron-session9, nuxt-auth-utils
	Op       string      `json:"op"`       // read, update, clear, replace
	At       int64       `json:"at"`       // Unix ms the library saw
	AtISO    string      `json:"atISO"`
	Options  PeerOptions `json:"options"`
	Request  struct {
		Cookie string          `json:"cookie"` // the Cookie header sent
		Data   json.RawMessage `json:"data"`   // what update merged in
	} `json:"request"`
	Response struct {
		OK        bool            `json:"ok"`
		Status    int             `json:"status"`
		Error     string          `json:"error"` // the message of what the library threw
		SetCookie []string        `json:"setCookie"`
		Session   json.RawMessage `json:"session"` // h3's {id, createdAt, data, lastSeenAt?}; iron-session's data
		Body      json.RawMessage `json:"body"`    // nuxt-auth-utils's answer
		Fresh     bool            `json:"fresh"`   // the library started a new session
		Reason    string          `json:"reason"`  // why h3 started one
	} `json:"response"`
	// CookieHeader is the Cookie header the browser sends next.
	CookieHeader string `json:"cookieHeader"`
}

// PeerOptions are the library options of a step, as verify.mjs takes them.
type PeerOptions struct {
	Password    Password       `json:"password"`
	Name        string         `json:"name"`
	MaxAge      int64          `json:"maxAge"`      // seconds (h3)
	IdleTimeout int64          `json:"idleTimeout"` // seconds (h3 2.x)
	TTL         *int64         `json:"ttl"`         // seconds (iron-session); nil for its default
	Config      map[string]any `json:"config"`      // extra options (nuxt-auth-utils: runtimeConfig.session)
}

// DecodePeers parses a peer vectors file, with unknown fields disallowed,
// and checks its schema, that it has cases with steps, and unique names.
func DecodePeers(data []byte) (*PeerFile, error) {
	var f PeerFile
	if err := decodeStrict(data, &f); err != nil {
		return nil, err
	}
	if f.Schema != PeersSchema {
		return nil, fmt.Errorf("vectors: schema %q, want %q", f.Schema, PeersSchema)
	}
	if len(f.Cases) == 0 {
		return nil, errors.New("vectors: no cases")
	}
	seen := make(map[string]bool, len(f.Cases))
	for _, c := range f.Cases {
		if c.Name == "" || seen[c.Name] || len(c.Steps) == 0 {
			return nil, fmt.Errorf("vectors: case %q is unnamed, repeated or has no step", c.Name)
		}
		seen[c.Name] = true
	}
	return &f, nil
}

// LoadPeers reads the module's peer vectors file (PeersRelPath under
// ModuleRoot) and fails the test if it cannot be read or holds no case.
func LoadPeers(t testing.TB) *PeerFile {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(ModuleRoot(t), PeersRelPath))
	if err != nil {
		t.Fatal(err)
	}
	f, err := DecodePeers(data)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// Case returns the case with this name.
func (f *PeerFile) Case(name string) (*PeerCase, bool) {
	for i := range f.Cases {
		if f.Cases[i].Name == name {
			return &f.Cases[i], true
		}
	}
	return nil, false
}

// Kind returns the cases of one kind.
func (f *PeerFile) Kind(kind string) []*PeerCase {
	var out []*PeerCase
	for i := range f.Cases {
		if f.Cases[i].Kind == kind {
			out = append(out, &f.Cases[i])
		}
	}
	return out
}
