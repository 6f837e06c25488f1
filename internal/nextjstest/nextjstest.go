// Package nextjstest runs testdata/nextjs/nextjs.mjs, which reads and writes cookies with
// @auth0/nextjs-auth0's own code, for the interop tests of several packages.
package nextjstest

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"
	"time"
)

// Run runs the script in mode with request as its JSON input and returns its JSON output.
// Without node or the package (npm ci --prefix testdata/nextjs), the test skips; with CI=true
// it fails.
func Run(t testing.TB, mode string, request any) json.RawMessage {
	t.Helper()
	_, file, _, _ := runtime.Caller(0)
	dir := filepath.Join(filepath.Dir(file), "..", "..", "testdata", "nextjs")
	node, err := exec.LookPath("node")
	_, pkgErr := os.Stat(filepath.Join(dir, "node_modules", "@auth0", "nextjs-auth0", "package.json"))
	if err != nil || pkgErr != nil {
		msg := "node or @auth0/nextjs-auth0 is missing (npm ci --prefix testdata/nextjs)"
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	in, err := json.Marshal(request)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, filepath.Join(dir, "nextjs.mjs"), mode)
	cmd.Stdin = bytes.NewReader(in)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("node nextjs.mjs %s: %v\n%s", mode, err, stderr.String())
	}
	return out
}
