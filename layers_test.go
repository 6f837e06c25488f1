package authchain_test

import (
	"os/exec"
	"strings"
	"testing"
)

// layer returns the rank of one of the library's packages (path relative to the module): a
// package imports only packages of a higher rank, and internal packages each other.
func layer(pkg string) (int, bool) {
	switch {
	case strings.HasPrefix(pkg, "cmd/") || strings.HasPrefix(pkg, "docs/"):
		return -1, true // programs, built on everything
	case pkg == "." || pkg == "authtest" || pkg == "docs":
		return 0, true // the facade, and what is built on it
	case pkg == "mw":
		return 1, true
	case pkg == "provider" || pkg == "session" || pkg == "oidctest":
		return 2, true
	case pkg == "token" || pkg == "dpop":
		return 3, true
	case strings.HasPrefix(pkg, "internal/"):
		return 4, true
	}
	return 0, false
}

// TestPackagesImportDownward: the packages read top-down, programs → root facade → mw →
// provider and session → token and dpop → internal; no package imports one above it or beside it.
func TestPackagesImportDownward(t *testing.T) {
	t.Parallel()
	const module = "github.com/authchain/authchain"
	out, err := exec.CommandContext(t.Context(), "go", "list", "-f", `{{.ImportPath}} {{join .Imports " "}}`, "./...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	for line := range strings.Lines(string(out)) {
		fields := strings.Fields(line)
		from := relative(module, fields[0])
		fromRank, ok := layer(from)
		if !ok {
			t.Errorf("package %s has no layer", from)
			continue
		}
		for _, imp := range fields[1:] {
			if !strings.HasPrefix(imp, module) {
				continue
			}
			to := relative(module, imp)
			toRank, _ := layer(to)
			sideways := toRank == fromRank && fromRank != 4
			if toRank < fromRank || sideways {
				t.Errorf("%s (layer %d) imports %s (layer %d)", from, fromRank, to, toRank)
			}
		}
	}
}

func relative(module, path string) string {
	if path == module {
		return "."
	}
	return strings.TrimPrefix(path, module+"/")
}
