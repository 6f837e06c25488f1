package main

import (
	"os"
	"regexp"
	"strings"
	"testing"
)

// readmeSettings returns, for each provider section of the README, the environment its
// command sets.
func readmeSettings(t *testing.T) map[string]map[string]string {
	t.Helper()
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	command := regexp.MustCompile("(?s)```sh\n(.*?)```")
	out := map[string]map[string]string{}
	for _, section := range strings.Split(string(readme), "\n## ")[1:] {
		title, body, _ := strings.Cut(section, "\n")
		block := command.FindStringSubmatch(body)
		if block == nil {
			continue
		}
		env := map[string]string{}
		for line := range strings.SplitSeq(block[1], "\n") {
			name, value, ok := strings.Cut(strings.TrimSuffix(strings.TrimSpace(line), " \\"), "=")
			if !ok || strings.Contains(name, " ") {
				continue
			}
			if value == "$(openssl rand -hex 32)" {
				value = strings.Repeat("0123456789abcdef", 4)
			}
			env[name] = strings.Trim(value, `"`)
		}
		out[title] = env
	}
	return out
}

// The README's settings for each provider start the example against that provider (no
// request leaves: the provider is reached at the first login).
func TestReadmeProviderSettings(t *testing.T) {
	settings := readmeSettings(t)
	for _, provider := range []string{"Auth0", "Okta", "Keycloak", "Google"} {
		t.Run(provider, func(t *testing.T) {
			env, ok := settings[provider]
			if !ok {
				t.Fatalf("the README has no %q section with a command", provider)
			}
			for _, name := range []string{"AUTH0_DOMAIN", "AUTH0_CLIENT_ID", "AUTH0_CLIENT_SECRET", "AUTH0_SECRET", "APP_BASE_URL"} {
				if env[name] == "" {
					t.Errorf("the %s command does not set %s", provider, name)
				}
			}
			srv, err := newServer(setup{getenv: func(k string) string { return env[k] }, defaultBase: "http://unused.example"})
			if err != nil {
				t.Fatalf("newServer with the README's %s settings: %v", provider, err)
			}
			defer srv.Close()
			if srv.idp != nil {
				t.Errorf("the %s settings started the demo provider", provider)
			}
		})
	}
	if scope := settings["Google"]["AUTH0_SCOPE"]; strings.Contains(scope, "offline_access") || !strings.Contains(scope, "openid") {
		t.Errorf("Google's AUTH0_SCOPE = %q: it must have openid and not offline_access", scope)
	}
}
