package mw

import (
	"hash/fnv"
	mrand "math/rand/v2"
	"net/http"
	"strconv"
	"strings"
)

// slotOf returns the slot of a login's state. It is not secret: the callback opens the
// slot's cookie and checks that it was sealed for this very state.
func slotOf(state string) int {
	h := fnv.New32a()
	_, _ = h.Write([]byte(state))
	return int(h.Sum32() % TransactionSlots)
}

// slotName returns the cookie name of slot.
func (ts *TransactionStore) slotName(slot int) string {
	return ts.cookie.Name + strconv.Itoa(slot)
}

// slotCookie is a transaction cookie a request carries.
type slotCookie struct {
	value   string
	present bool
}

// carried returns the transaction cookies r carries, by slot (the first of each name, as
// http.Request.Cookie finds it). It reads the Cookie header once, whatever its length, and
// looks only at the slots' own names.
func (ts *TransactionStore) carried(r *http.Request) [TransactionSlots]slotCookie {
	var out [TransactionSlots]slotCookie
	for _, line := range r.Header.Values("Cookie") {
		for part := range strings.SplitSeq(line, ";") {
			name, value, _ := strings.Cut(strings.TrimSpace(part), "=")
			if slot, ok := ts.slotNamed(name); ok && !out[slot].present {
				out[slot] = slotCookie{value: strings.Trim(value, `"`), present: true}
			}
		}
	}
	return out
}

// slotNamed returns the slot whose cookie is called name.
func (ts *TransactionStore) slotNamed(name string) (int, bool) {
	rest, ok := strings.CutPrefix(name, ts.cookie.Name)
	if !ok || len(rest) == 0 || len(rest) > 2 {
		return 0, false
	}
	slot, err := strconv.Atoi(rest)
	if err != nil || slot < 0 || slot >= TransactionSlots || strconv.Itoa(slot) != rest {
		return 0, false
	}
	return slot, true
}

// NewState returns a new login's state: 32 random bytes, base64url-encoded; in the format
// "slots", one whose slot is
// one r does not use (picked at random, so that logins started at the same moment spread over
// the slots), or else the slot of r's oldest login.
func (ts *TransactionStore) newState(r *http.Request) (string, error) {
	if ts.format == TransactionFormatNextJS {
		return randomToken()
	}
	want := ts.freeSlot(r)
	for {
		state, err := randomToken()
		if err != nil {
			return "", err
		}
		if slotOf(state) == want {
			return state, nil
		}
	}
}

// freeSlot picks the slot of a new login in a browser that carries r's cookies.
func (ts *TransactionStore) freeSlot(r *http.Request) int {
	var free []int
	oldest, oldestAt := -1, int64(0)
	for slot, c := range ts.carried(r) {
		if !c.present {
			free = append(free, slot)
			continue
		}
		created, _, _ := strings.Cut(c.value, ".")
		at, _ := strconv.ParseInt(created, 10, 64)
		if oldest < 0 || at < oldestAt {
			oldest, oldestAt = slot, at
		}
	}
	if len(free) > 0 {
		return free[mrand.IntN(len(free))]
	}
	return oldest
}
