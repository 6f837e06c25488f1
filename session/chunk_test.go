package session

import (
	"reflect"
	"strconv"
	"strings"
	"testing"
)

func TestSplitValueEdges(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		size   int
		chunks int
	}{
		{1, 1}, {3499, 1}, {3500, 1}, {3501, 2}, {6998, 2}, {6999, 3}, {7000, 3},
		{MaxSealedBytes, 19},
	} {
		value := strings.Repeat("v", tc.size)
		parts := splitValue(value)
		if len(parts) != tc.chunks {
			t.Errorf("%d bytes: %d chunks, want %d", tc.size, len(parts), tc.chunks)
			continue
		}
		for i, p := range parts {
			if len(p) > MaxCookieSize {
				t.Errorf("%d bytes: chunk %d is %d bytes", tc.size, i, len(p))
			}
		}
		if tc.chunks == 1 {
			if parts[0] != value {
				t.Errorf("%d bytes: single cookie changed", tc.size)
			}
			continue
		}
		if !strings.HasPrefix(parts[0], strconv.Itoa(tc.chunks)+".") {
			t.Errorf("%d bytes: first chunk does not record the count: %.5s", tc.size, parts[0])
		}
		got, stale, ok := joinValue(chunkCookies("c", parts))
		if !ok || got != value || stale != 0 {
			t.Errorf("%d bytes: join = ok %v, %d bytes, stale %v", tc.size, ok, len(got), stale)
		}
	}
	if splitValue(strings.Repeat("v", MaxSealedBytes+1)) != nil {
		t.Error("a value over MaxSealedBytes was split")
	}
}

// rc returns the cookie name=value of the family "c" as the scan finds it.
func rc(name, value string) requestCookie {
	index, _ := familyIndex("c", name)
	return requestCookie{name: name, value: value, index: index}
}

func chunkCookies(name string, parts []string) []requestCookie {
	var cs []requestCookie
	for i, p := range parts {
		cs = append(cs, rc(chunkName(name, i), p))
	}
	return cs
}

// names lists the cookies of the family "c" in set.
func (s cookieSet) names() []string {
	var out []string
	s.each("c", func(n string) { out = append(out, n) })
	return out
}

func TestJoinValue(t *testing.T) {
	t.Parallel()
	two := splitValue(strings.Repeat("a", 5000))
	three := splitValue(strings.Repeat("b", 9000))
	cases := []struct {
		name    string
		carried []requestCookie
		want    string
		stale   []string
		ok      bool
	}{
		{"single", []requestCookie{rc("c", "xyz")}, "xyz", nil, true},
		{"single beats chunks, which are stale", append([]requestCookie{rc("c", "xyz")}, chunkCookies("c", two)...), "xyz", []string{"c__0", "c__1"}, true},
		{"chunks", chunkCookies("c", two), strings.Repeat("a", 5000), nil, true},
		{"leftover chunk of a longer write", append(chunkCookies("c", two), rc("c__2", three[2])), strings.Repeat("a", 5000), []string{"c__2"}, true},
		{"non-canonical chunk names are ignored, never deleted", append(chunkCookies("c", two), rc("c__01", "x"), rc("c__20", "y")), strings.Repeat("a", 5000), nil, true},
		{"missing chunk", chunkCookies("c", three)[:2], "", nil, false},
		{"missing first chunk", chunkCookies("c", three)[1:], "", nil, false},
		{"duplicate chunk", append(chunkCookies("c", two), rc("c__1", two[1])), "", nil, false},
		{"duplicate first chunk", append(chunkCookies("c", two), rc("c__0", two[0])), "", nil, false},
		{"duplicate single", []requestCookie{rc("c", "a"), rc("c", "b")}, "", nil, false},
		{"count missing", []requestCookie{rc("c__0", "abc"), rc("c__1", "def")}, "", nil, false},
		{"count of one", []requestCookie{rc("c__0", "1.abc")}, "", nil, false},
		{"count too high", []requestCookie{rc("c__0", "21.abc")}, "", nil, false},
		{"count not a number", []requestCookie{rc("c__0", "x.abc"), rc("c__1", "d")}, "", nil, false},
		{"empty chunk", []requestCookie{rc("c__0", "2.abc"), rc("c__1", "")}, "", nil, false},
		{"oversized single", []requestCookie{rc("c", strings.Repeat("x", MaxSealedBytes+1))}, "", nil, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, stale, ok := joinValue(tc.carried)
			if ok != tc.ok || got != tc.want || !reflect.DeepEqual(stale.names(), tc.stale) {
				t.Errorf("join = %v, %d bytes, stale %v; want %v, %d bytes, stale %v", ok, len(got), stale, tc.ok, len(tc.want), tc.stale)
			}
		})
	}
}

func TestJoinRefusesOversizedChunks(t *testing.T) {
	t.Parallel()
	var carried []requestCookie
	for i := range 20 {
		v := strings.Repeat("z", 3500)
		if i == 0 {
			v = "20." + v[3:]
		}
		carried = append(carried, rc(chunkName("c", i), v))
	}
	if _, _, ok := joinValue(carried); ok {
		t.Error("20 chunks of 3,500 bytes (over 64 KiB) were joined")
	}
}

func TestFamilyIndex(t *testing.T) {
	t.Parallel()
	type result struct {
		index  int
		member bool
	}
	for name, want := range map[string]result{
		"c": {wholeIndex, true}, "c__0": {0, true}, "c__7": {7, true}, "c__19": {19, true},
		"c__20": {otherIndex, true}, "c__01": {otherIndex, true}, "c__1000": {otherIndex, true},
		"c__": {}, "c__x": {}, "c__1x": {}, "cc": {}, "c_0": {}, "": {}, "x__0": {},
		"c__" + strings.Repeat("9", 30): {otherIndex, true},
	} {
		index, member := familyIndex("c", name)
		if member != want.member || (member && index != want.index) {
			t.Errorf("familyIndex(%q) = %d, %v; want %d, %v", name, index, member, want.index, want.member)
		}
	}
}
