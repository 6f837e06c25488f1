// Package returntotest reads the hostile returnTo payloads that the returnto package and the
// login flow's end-to-end tests check.
package returntotest

import (
	"bufio"
	"os"
	"strconv"
	"strings"
	"testing"
)

// Payload is one hostile returnTo value and the base URL it is checked against.
type Payload struct {
	// Base is the application base URL of the file's last "base" line.
	Base string
	// Raw is the payload, unquoted.
	Raw string
	// Line is its line in the file.
	Line int
}

// Load reads a payload file: Go-quoted payloads, "base <url>" lines, blank lines and #
// comments. Any malformed line fails tb.
func Load(tb testing.TB, path string) []Payload {
	tb.Helper()
	f, err := os.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	var (
		out  []Payload
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
				tb.Fatalf("%s:%d: %v", path, n, err)
			}
			if base == "" {
				tb.Fatalf("%s:%d: payload before any base line", path, n)
			}
			out = append(out, Payload{Base: base, Raw: raw, Line: n})
		}
	}
	if err := sc.Err(); err != nil {
		tb.Fatal(err)
	}
	return out
}
