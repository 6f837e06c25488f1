// Package fastjson reads and writes the fixed-shape JSON of sessions and token sets without
// reflection. Reading is strict about structure (an error, never a panic, on malformed input)
// and copies nothing it does not return; writing escapes exactly as encoding/json does, minus
// the HTML escaping that cookies and stores do not need.
package fastjson
