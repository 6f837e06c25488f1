package returnto

import (
	"github.com/authchain/authchain/internal/returnto/returntotest"
	"net/url"
	"strings"
	"testing"
)

var fuzzBases = []string{
	"https://app.example.com/",
	"https://app.example.com:8443/",
	"https://app.example.com/app/",
}

// FuzzSafe checks the guarantee callers rely on: whatever the input, an
// accepted value is a path-absolute reference that stays on base's origin,
// and accepting it again gives the same value.
func FuzzSafe(f *testing.F) {
	for _, p := range returntotest.Load(f, "testdata/hostile.txt") {
		for i, b := range fuzzBases {
			if b == p.Base {
				f.Add(p.Raw, uint8(i))
			}
		}
	}
	for _, s := range []string{"/", "/dashboard?x=1#y", "foo", "../x", "?q=caf\u00e9", "https://app.example.com:8443/x"} {
		for i := range fuzzBases {
			f.Add(s, uint8(i))
		}
	}
	f.Fuzz(func(t *testing.T, raw string, which uint8) {
		baseStr := fuzzBases[int(which)%len(fuzzBases)]
		base, err := url.Parse(baseStr)
		if err != nil {
			t.Fatal(err)
		}
		out, ok := Safe(raw, base)
		if !ok {
			if out != "" {
				t.Fatalf("rejected %q but returned %q", raw, out)
			}
			return
		}
		if !strings.HasPrefix(out, "/") || strings.HasPrefix(out, "//") || strings.HasPrefix(out, `/\`) {
			t.Fatalf("%q accepted as %q: not a single leading slash", raw, out)
		}
		for i := 0; i < len(out); i++ {
			if out[i] < 0x20 || out[i] == 0x7f {
				t.Fatalf("%q accepted as %q: control character at %d", raw, out, i)
			}
		}
		ref, err := url.Parse(out)
		if err != nil {
			t.Fatalf("%q accepted as unparsable %q: %v", raw, out, err)
		}
		got := base.ResolveReference(ref)
		if got.Scheme != base.Scheme || got.Host != base.Host || got.User != nil {
			t.Fatalf("%q accepted as %q, which resolves to %s off %s", raw, out, got, baseStr)
		}
		again, ok := Safe(out, base)
		if !ok || again != out {
			t.Fatalf("%q accepted as %q, but that output gives %q, %v", raw, out, again, ok)
		}
	})
}
