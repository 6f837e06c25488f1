package session

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
)

// floodHeader returns n cookies called prefix<i>, i from 0, with empty values.
func floodHeader(prefix string, n int) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "%s%d=; ", prefix, i)
	}
	return b.String()
}

// TestFloodOfChunkNamesIsSignedOutAndBounded: tens of thousands of chunk names in front of a
// valid session make the request signed out, and the response deletes only the canonical
// names it saw: at most MaxChunks+1 Set-Cookie lines.
func TestFloodOfChunkNamesIsSignedOutAndBounded(t *testing.T) {
	t.Parallel()
	clk := newTestClock()
	for _, m := range []Manager{newStateless(t, clk), newStateful(t, clk, NewMemoryStore(clk.Now))} {
		valid := cookieHeader(save(t, m, nil, smallSession(clk.Now())))
		r := httptest.NewRequest(http.MethodGet, "/", nil)
		r.Header.Set("Cookie", floodHeader("__session__", 60_000)+valid)
		l := load(t, m, r)
		if l.Session != nil {
			t.Fatalf("%T: a flooded request is signed in", m)
		}
		h := http.Header{}
		if err := m.Clear(context.Background(), h, l); err != nil {
			t.Fatal(err)
		}
		deleted := h.Values("Set-Cookie")
		if len(deleted) == 0 || len(deleted) > MaxChunks+1 {
			t.Fatalf("%T: %d Set-Cookie lines; want 1…%d", m, len(deleted), MaxChunks+1)
		}
		for _, line := range deleted {
			name, _, _ := strings.Cut(line, "=")
			if index, member := familyIndex("__session", name); !member || index == otherIndex {
				t.Errorf("%T: deletes the non-canonical cookie %q", m, name)
			}
		}
	}
}

// TestNonCanonicalChunkNamesAreNeverDeleted: a valid session beside chunk names the library
// never writes reads as signed in, and writing it deletes none of them.
func TestNonCanonicalChunkNamesAreNeverDeleted(t *testing.T) {
	t.Parallel()
	clk := newTestClock()
	m := newStateless(t, clk)
	valid := cookieHeader(save(t, m, nil, smallSession(clk.Now())))
	r := httptest.NewRequest(http.MethodGet, "/", nil)
	r.Header.Set("Cookie", "__session__20=x; __session__007=y; "+valid+"; __session__1=stale")
	l := load(t, m, r)
	if l.Session == nil {
		t.Fatal("the valid session was not read")
	}
	if !l.Due {
		t.Error("a leftover canonical chunk does not make the session due for a write")
	}
	cookies := setCookies(t, save(t, m, l, l.Session))
	if got := keys(cookies); !reflect.DeepEqual(got, []string{"__session", "__session__1"}) {
		t.Errorf("the write sets or deletes %v; want __session and the leftover __session__1", got)
	}
}

// referenceFamily reads the family "c" the obvious way: split on semicolons, trim, compare
// names. family must find the same cookies in the same order.
func referenceFamily(header string) []requestCookie {
	var out []requestCookie
	for part := range strings.SplitSeq(header, ";") {
		name, value, _ := strings.Cut(strings.Trim(part, " \t"), "=")
		name = strings.TrimRight(name, " \t")
		if index, ok := familyIndex("c", name); ok {
			out = append(out, requestCookie{name: name, value: cookieValue(value), index: index})
		}
	}
	return out
}

// FuzzFamilyScan checks the one-pass scan against the obvious reading of the header, and that
// it stops at MaxFamilyCookies.
func FuzzFamilyScan(f *testing.F) {
	for _, seed := range []string{
		"c=1", "a=b; c=1; c__0=2", "xc=1; c x=2; c__01=3;c__19=4", " c = \"q\" ;c__=5", "a=c;c=c",
		"c__0=1; c__0=2", "cc=1; c_0=2; c__x=3", floodHeader("c__", 40), "c;c;c;c",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, header string) {
		r := httptest.NewRequest(http.MethodGet, "/", nil)
		r.Header["Cookie"] = []string{header}
		want := referenceFamily(header)
		got, carried, ok := family(r, "c")
		if len(want) > MaxFamilyCookies {
			if ok || !reflect.DeepEqual(got, want[:MaxFamilyCookies]) {
				t.Fatalf("%d family cookies: ok %v, found %d", len(want), ok, len(got))
			}
			return
		}
		if !ok || !(len(got) == 0 && len(want) == 0 || reflect.DeepEqual(got, want)) {
			t.Fatalf("family = %+v, %v; want %+v", got, ok, want)
		}
		var wantSet cookieSet
		for _, c := range want {
			wantSet |= bit(c.index)
		}
		if carried != wantSet {
			t.Fatalf("carried = %b, want %b", carried, wantSet)
		}
	})
}
