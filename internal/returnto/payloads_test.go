package returnto

import (
	"bufio"
	"os"
	"strconv"
	"strings"
	"testing"
)

// payload is one hostile value from testdata/hostile.txt and the base URL
// it is checked against.
type payload struct {
	base string
	raw  string
	line int
}

// loadPayloads reads testdata/hostile.txt (format described in the file).
func loadPayloads(tb testing.TB) []payload {
	tb.Helper()
	f, err := os.Open("testdata/hostile.txt")
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	var (
		out  []payload
		base string
		n    int
	)
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		n++
		line := sc.Text()
		switch {
		case line == "" || strings.HasPrefix(line, "#"):
		case strings.HasPrefix(line, "base "):
			base = strings.TrimPrefix(line, "base ")
		default:
			raw, err := strconv.Unquote(line)
			if err != nil {
				tb.Fatalf("hostile.txt:%d: %v", n, err)
			}
			if base == "" {
				tb.Fatalf("hostile.txt:%d: payload before any base line", n)
			}
			out = append(out, payload{base: base, raw: raw, line: n})
		}
	}
	if err := sc.Err(); err != nil {
		tb.Fatal(err)
	}
	return out
}
