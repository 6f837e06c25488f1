package session

import "testing"

func TestHostPrefix(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		opts CookieOptions
		want string
	}{
		{CookieOptions{}, "__session"},
		{CookieOptions{Secure: true}, "__Host-__session"},
		{CookieOptions{Secure: true, Name: "sid"}, "__Host-sid"},
		{CookieOptions{Secure: true, Name: "__Host-sid"}, "__Host-sid"},
		{CookieOptions{Secure: true, Path: "/app"}, "__session"},
		{CookieOptions{Secure: true, Domain: "example.com"}, "__session"},
		{CookieOptions{Secure: true, DisableHostPrefix: true}, "__session"},
	} {
		if got := tc.opts.WithDefaults().Name; got != tc.want {
			t.Errorf("%+v: name %q, want %q", tc.opts, got, tc.want)
		}
		if again := tc.opts.WithDefaults().WithDefaults().Name; again != tc.want {
			t.Errorf("%+v: defaults applied twice give %q", tc.opts, again)
		}
	}
}

// TestHostPrefixedSessionCookies: a Secure session is written under the __Host- name, chunks
// included, with the attributes the prefix requires, and reads back; the unprefixed name is
// not read.
func TestHostPrefixedSessionCookies(t *testing.T) {
	t.Parallel()
	clk := newTestClock()
	m := newStateless(t, clk, func(c *StatelessConfig) { c.Cookie.Secure = true })
	h := save(t, m, nil, realisticSession(clk.Now()))
	cookies := setCookies(t, h)
	for _, name := range []string{"__Host-__session__0", "__Host-__session__1"} {
		c := cookies[name]
		if c == nil {
			t.Fatalf("no cookie %s among %v", name, keys(cookies))
		}
		if !c.Secure || c.Path != "/" || c.Domain != "" {
			t.Errorf("%s breaks the __Host- rules: %+v", name, c)
		}
	}
	if load(t, m, requestWith(h)).Session == nil {
		t.Error("the __Host- session does not read back")
	}
	plain := newStateless(t, clk, func(c *StatelessConfig) { c.Cookie.Secure, c.Cookie.DisableHostPrefix = true, true })
	r := requestWith(save(t, plain, nil, smallSession(clk.Now())))
	if load(t, m, r).Session != nil {
		t.Error("a cookie under the unprefixed name is read")
	}
	if got := r.Header.Get("Cookie"); len(got) < 10 || got[:10] != "__session=" {
		t.Errorf("DisableHostPrefix writes %.20q, want __session=", got)
	}
}
