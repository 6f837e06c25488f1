package oidctest

import (
	"sync"
	"time"
)

// clock is a server's own time: the real time or a frozen start, shifted by
// every Advance.
type clock struct {
	mu     sync.Mutex
	frozen bool
	start  time.Time
	offset time.Duration
}

func newClock(start time.Time) *clock {
	return &clock{frozen: !start.IsZero(), start: start}
}

func (c *clock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.frozen {
		return c.start.Add(c.offset)
	}
	return time.Now().Add(c.offset)
}

func (c *clock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.offset += d
}

// Now returns the server's current time. Tokens, codes, sessions and PAR
// requests are stamped and expired with it. Give it to go-oidc as
// oidc.Config.Now so that verification uses the same clock.
func (s *Server) Now() time.Time { return s.clock.now() }

// Advance moves the server's clock forward by d (or back, when d < 0).
// It affects only this server.
func (s *Server) Advance(d time.Duration) { s.clock.advance(d) }
