package docs_test

import (
	"bufio"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// TestGuidesShowTheExamples checks that every Go block of the guides and of the repository's
// README is a run of lines of this package's code (its examples and the README's program,
// quickstart/main.go), of authchain's own API or of the Redis store's API and examples (a
// module of its own, which this package cannot import; indentation aside), so that what the
// guides show compiles and is what the examples run.
func TestGuidesShowTheExamples(t *testing.T) {
	sources, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	programs, err := filepath.Glob("*/*.go")
	if err != nil {
		t.Fatal(err)
	}
	sources = append(sources, programs...)
	sources = append(sources, "../session/redisstore/example_test.go")
	for _, dir := range []string{"..", "../session", "../mw", "../provider", "../token", "../authtest", "../oidctest", "../session/redisstore"} {
		api, err := filepath.Glob(dir + "/*.go") // the declarations the guides quote
		if err != nil {
			t.Fatal(err)
		}
		for _, name := range api {
			if !strings.HasSuffix(name, "_test.go") {
				sources = append(sources, name)
			}
		}
	}
	var code [][]string
	for _, name := range sources {
		code = append(code, significantLines(readFile(t, name)))
	}
	for _, guide := range append(guides(t), rootREADME) {
		for i, block := range goBlocks(readFile(t, guide)) {
			want := significantLines(block)
			if len(want) == 0 {
				t.Errorf("%s: Go block %d is empty", guide, i+1)
				continue
			}
			if !containsRun(code, want) {
				t.Errorf("%s: Go block %d, starting %q, is not in the examples or the API", guide, i+1, want[0])
			}
		}
	}
}

// rootREADME is the repository's README, seen from this directory.
const rootREADME = "../README.md"

// TestGuidesLinks checks that the guides' and the READMEs' relative links lead to files that
// exist.
func TestGuidesLinks(t *testing.T) {
	link := regexp.MustCompile(`\]\(([^)#\s]+)(#[^)]*)?\)`)
	for _, guide := range append(guides(t), "README.md", rootREADME) {
		for _, m := range link.FindAllStringSubmatch(readFile(t, guide), -1) {
			target := m[1]
			if strings.Contains(target, "://") {
				continue
			}
			if _, err := os.Stat(filepath.Join(filepath.Dir(guide), target)); err != nil {
				t.Errorf("%s: broken link %s", guide, target)
			}
		}
	}
}

// guides returns the numbered guides.
func guides(t *testing.T) []string {
	names, err := filepath.Glob("[0-9][0-9]-*.md")
	if err != nil || len(names) == 0 {
		t.Fatalf("no guides: %v", err)
	}
	return names
}

func readFile(t *testing.T, name string) string {
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// goBlocks returns the fenced blocks of md whose language is go.
func goBlocks(md string) []string {
	var blocks []string
	var cur []string
	in, isGo := false, false
	sc := bufio.NewScanner(strings.NewReader(md))
	for sc.Scan() {
		line := sc.Text()
		if fence, ok := strings.CutPrefix(strings.TrimSpace(line), "```"); ok {
			if !in {
				in, isGo, cur = true, strings.TrimSpace(fence) == "go", nil
				continue
			}
			if isGo {
				blocks = append(blocks, strings.Join(cur, "\n"))
			}
			in = false
			continue
		}
		if in {
			cur = append(cur, line)
		}
	}
	return blocks
}

// significantLines returns the non-blank lines of s without their surrounding space.
func significantLines(s string) []string {
	var out []string
	for line := range strings.Lines(s) {
		if l := strings.TrimSpace(line); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// containsRun reports whether want occurs as consecutive lines in one of files.
func containsRun(files [][]string, want []string) bool {
	for _, lines := range files {
		for i := 0; i+len(want) <= len(lines); i++ {
			if slices.Equal(lines[i:i+len(want)], want) {
				return true
			}
		}
	}
	return false
}
