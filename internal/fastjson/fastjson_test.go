package fastjson

import (
	"bytes"
	"encoding/json"
	"errors"
	"testing"
)

// stdString is encoding/json's encoding of s without HTML escaping.
func stdString(s string) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s)
	return string(bytes.TrimSuffix(b.Bytes(), []byte("\n")))
}

func FuzzStringRoundTrip(f *testing.F) {
	for _, s := range []string{"", "plain", `q"b\`, "nl\n\t\r\x00\x1f", "é漢字🙂", "\u2028\u2029", "bad\xff\xfe", "<>&"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := string(AppendString(nil, s))
		if want := stdString(s); got != want {
			t.Fatalf("AppendString(%q) = %s, want %s", s, got, want)
		}
		r := NewReader([]byte(got))
		back, err := r.String()
		if err != nil {
			t.Fatal(err)
		}
		var std string
		_ = json.Unmarshal([]byte(got), &std)
		if back != std {
			t.Fatalf("read back %q, want %q", back, std)
		}
	})
}

func FuzzReaderAgreesWithEncodingJSON(f *testing.F) {
	for _, s := range []string{`{}`, `{"a":1,"b":[true,false,null],"c":{"d":"e\u00e9"}}`, `[1,2`, `{"a":}`, `"\ud800"`,
		`{"a":1e5,"b":-0.5}`, `{"a":"\q"}`, `01`, `[[[[[]]]]]`, ` {"x" : "y" } `, `nul`, `{"a":1}}`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r := NewReader([]byte(s))
		raw, err := r.Raw()
		if err == nil {
			err = r.End()
		}
		valid := json.Valid([]byte(s))
		if (err == nil) != valid {
			t.Fatalf("Raw+End on %q: err %v, encoding/json valid %v", s, err, valid)
		}
		if err != nil && !errors.Is(err, ErrSyntax) {
			t.Fatalf("error does not wrap ErrSyntax: %v", err)
		}
		if err == nil && !json.Valid(raw) {
			t.Fatalf("Raw returned invalid JSON %q", raw)
		}
	})
}

func TestAppendValueMatchesEncodingJSON(t *testing.T) {
	t.Parallel()
	v := map[string]any{
		"s": "x<y", "b": true, "n": nil, "f": 1.5, "i": 3.0, "big": 1e21, "small": 1e-7,
		"arr": []any{"a", 1.0, map[string]any{"z": 1.0, "a": false}}, "typed": []string{"p", "q"},
		"int": 7, "int64": int64(-9),
	}
	got, err := AppendValue(nil, v)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
	if want := bytes.TrimSpace(b.Bytes()); !bytes.Equal(got, want) {
		t.Errorf("AppendValue = %s\nwant          %s", got, want)
	}
}

func TestReaderRejectsDeepNesting(t *testing.T) {
	t.Parallel()
	deep := bytes.Repeat([]byte("["), 100)
	deep = append(deep, bytes.Repeat([]byte("]"), 100)...)
	if _, err := NewReader(deep).Raw(); !errors.Is(err, ErrSyntax) {
		t.Errorf("100 levels: %v", err)
	}
}

func TestReaderInt(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]int64{"0": 0, "1800000000": 1800000000, "1800000000.9": 1800000000, "-5": -5, "1e3": 1000, "null": 0} {
		got, err := NewReader([]byte(in)).Int()
		if err != nil || got != want {
			t.Errorf("Int(%s) = %d, %v", in, got, err)
		}
	}
	for _, in := range []string{`"1"`, "1e30", "-", "abc", "1.2.3"} {
		if _, err := NewReader([]byte(in)).Int(); err == nil {
			t.Errorf("Int(%s) accepted", in)
		}
	}
}
