package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/sealcookie/sealcookie/sealed"
	"github.com/sealcookie/sealcookie/sealed/iron"
	"github.com/sealcookie/sealcookie/session"
	"github.com/sealcookie/sealcookie/session/h3"
)

// password is the h3 password of the measured server. The report needs no
// secret: its own forgeries never verify, and its legitimate client signs
// in through the server.
const password = "flood report password, at least 32 characters"

// serverConfig is what varies between the measured servers.
type serverConfig struct {
	// Mode names the setting: "budget" (an iron.Budget with BudgetCPU and
	// Concurrency), "issued-salts-only" (h3.Config.IssuedSaltsOnly, with the
	// same budget) or "unbounded" (no budget: the cost before the fix).
	Mode        string
	BudgetCPU   time.Duration
	Concurrency int
}

// user is the session data of the measured application.
type user struct {
	Name string `json:"name,omitempty"`
}

// stats is what GET /stats answers: the server's CPU time so far, its
// budget's counters and what OnError heard.
type stats struct {
	CPU          time.Duration    `json:"cpu"`
	Budget       iron.BudgetStats `json:"budget"`
	OverBudget   int64            `json:"overBudget"`
	NotAuthentic int64            `json:"notAuthentic"`
	OtherErrors  int64            `json:"otherErrors"`
}

// server is the measured application: an h3 2.x session behind the
// Manager's middleware, as a Go service sharing its session with a Nuxt
// application would run it.
type server struct {
	budget                     *iron.Budget
	overBudget, notAuth, other atomic.Int64
}

func newServer(c serverConfig) (*server, http.Handler, error) {
	srv := &server{}
	bc := iron.BudgetConfig{CPU: c.BudgetCPU, Concurrency: c.Concurrency}
	hc := h3.Config{Password: iron.PasswordOption{Plain: password}}
	switch c.Mode {
	case "budget":
	case "issued-salts-only":
		hc.IssuedSaltsOnly = true
	case "unbounded":
		bc = iron.BudgetConfig{CPU: -1, Concurrency: -1}
	default:
		return nil, nil, fmt.Errorf("unknown server mode %q", c.Mode)
	}
	var err error
	if srv.budget, err = iron.NewBudget(bc); err != nil {
		return nil, nil, err
	}
	hc.Budget = srv.budget
	f, err := h3.New(hc)
	if err != nil {
		return nil, nil, err
	}
	m, err := session.New(session.Config[user]{Format: f, OnError: srv.onError})
	if err != nil {
		return nil, nil, err
	}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /login", func(w http.ResponseWriter, r *http.Request) {
		s := m.Get(r)
		s.Clear()
		if err := s.Update(func(u *user) { u.Name = "legit" }); err != nil {
			http.Error(w, "session not updated", http.StatusInternalServerError)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	})
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		name := m.Get(r).Data().Name
		if name == "" {
			name = "visitor"
		}
		_, _ = fmt.Fprintf(w, "hello, %s\n", name)
	})
	mux.HandleFunc("GET /stats", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(srv.stats())
	})
	return srv, m.Middleware(mux), nil
}

func (s *server) onError(_ context.Context, err error) {
	switch {
	case errors.Is(err, iron.ErrOverBudget):
		s.overBudget.Add(1)
	case errors.Is(err, sealed.ErrNotAuthentic):
		s.notAuth.Add(1)
	default:
		s.other.Add(1)
	}
}

func (s *server) stats() stats {
	return stats{
		CPU:          processCPU(),
		Budget:       s.budget.Stats(),
		OverBudget:   s.overBudget.Load(),
		NotAuthentic: s.notAuth.Load(),
		OtherErrors:  s.other.Load(),
	}
}
