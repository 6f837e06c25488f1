package main

import (
	"strings"
	"testing"
)

func TestDemoSubjectIsStableAndDerivedFromTheName(t *testing.T) {
	t.Parallel()
	for name, want := range map[string]string{
		"Ada Lovelace":        "demo|ada-lovelace",
		"  ada   LOVELACE!! ": "demo|ada-lovelace",
		"Zoé <b>bold</b>":     "demo|zoé-b-bold-b",
		"Grace Hopper (1906)": "demo|grace-hopper-1906",
		"O'Brien":             "demo|o-brien",
		"李小龍":                 "demo|李小龍",
		"auth0|7":             "demo|auth0-7",
		"x\u00a0y\tz\nw":      "demo|x-y-z-w",
		"alice@example.com":   "demo|alice-example-com",
		"--alice--":           "demo|alice",
		"Émile Zola":          "demo|émile-zola",
		"Ünal":                "demo|ünal",
		"ADA":                 "demo|ada",
	} {
		if got := demoSubject(name); got != want {
			t.Errorf("demoSubject(%q) = %q, want %q", name, got, want)
		}
	}
	symbols := demoSubject("<>!")
	if !strings.HasPrefix(symbols, "demo|") || len(symbols) != len("demo|")+16 || symbols == demoSubject("<>?") {
		t.Errorf("a name without letters or digits gets %q, want demo| and its own hash", symbols)
	}
	if symbols != demoSubject("<>!") {
		t.Error("the same name got two subjects")
	}
}
