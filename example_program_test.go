package authchain_test

import (
	"fmt"
	"log"
	"net/http"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/authchain/authchain"
)

// A whole application: the program the package documentation starts with.
func Example() {
	client, err := authchain.NewFromEnv() // one error listing every missing or invalid value
	if err != nil {
		log.Fatal(err)
	}
	http.Handle("/", client.RequireAuth(http.HandlerFunc(hello)))
	log.Fatal(http.ListenAndServe(":3000", client.Middleware(http.DefaultServeMux)))
}

// hello greets the signed-in user.
func hello(w http.ResponseWriter, r *http.Request) {
	u, _ := authchain.UserFrom(r.Context())
	fmt.Fprintf(w, "Hello, %s!", u.Name())
}

// The program in the package documentation is Example's body, so it compiles.
func TestPackageDocProgramIsExample(t *testing.T) {
	doc, err := os.ReadFile("doc.go")
	if err != nil {
		t.Fatal(err)
	}
	var docLines []string
	for line := range strings.SplitSeq(string(doc), "\n") {
		if code, ok := strings.CutPrefix(line, "//\t"); ok {
			docLines = append(docLines, code)
		}
	}
	src, err := os.ReadFile("example_program_test.go")
	if err != nil {
		t.Fatal(err)
	}
	example := regexp.MustCompile(`(?s)\nfunc Example\(\) \{\n(.*?)\n\}\n`).FindSubmatch(src)
	if example == nil {
		t.Fatal("no func Example() in example_program_test.go")
	}
	main := strings.Join(docLines, "\n")
	_, body, ok := strings.Cut(main, "func main() {\n")
	if !ok {
		t.Fatalf("the package documentation has no func main:\n%s", main)
	}
	body, rest, _ := strings.Cut(body, "\n}\n")
	if want := string(example[1]); body != want {
		t.Errorf("the package documentation's main is not Example's body:\n%s\nwant:\n%s", body, want)
	}
	if !strings.Contains(string(src), strings.TrimSpace(rest)) {
		t.Errorf("the package documentation's helpers are not those of example_program_test.go:\n%s", rest)
	}
}
