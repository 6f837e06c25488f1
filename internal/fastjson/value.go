package fastjson

import (
	"encoding/json"
	"math"
	"slices"
	"strconv"
)

// AppendValue appends v as JSON. Strings, booleans, numbers, nil, []any and map[string]any
// are written directly (map keys sorted, as encoding/json does); anything else goes through
// encoding/json.
func AppendValue(b []byte, v any) ([]byte, error) {
	switch x := v.(type) {
	case nil:
		return append(b, "null"...), nil
	case string:
		return AppendString(b, x), nil
	case bool:
		return strconv.AppendBool(b, x), nil
	case float64:
		return appendFloat(b, x)
	case int:
		return strconv.AppendInt(b, int64(x), 10), nil
	case int64:
		return strconv.AppendInt(b, x, 10), nil
	case []any:
		return appendArray(b, x)
	case map[string]any:
		return AppendMap(b, x)
	default:
		enc, err := json.Marshal(v)
		if err != nil {
			return nil, err
		}
		return append(b, enc...), nil
	}
}

// AppendMap appends m as a JSON object with its keys sorted.
func AppendMap(b []byte, m map[string]any) ([]byte, error) {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	b = append(b, '{')
	var err error
	for i, k := range keys {
		if i > 0 {
			b = append(b, ',')
		}
		b = AppendString(b, k)
		b = append(b, ':')
		if b, err = AppendValue(b, m[k]); err != nil {
			return nil, err
		}
	}
	return append(b, '}'), nil
}

func appendArray(b []byte, a []any) ([]byte, error) {
	b = append(b, '[')
	var err error
	for i, v := range a {
		if i > 0 {
			b = append(b, ',')
		}
		if b, err = AppendValue(b, v); err != nil {
			return nil, err
		}
	}
	return append(b, ']'), nil
}

// appendFloat writes a float64 as encoding/json does.
func appendFloat(b []byte, f float64) ([]byte, error) {
	if f == math.Trunc(f) && math.Abs(f) < 1e21 {
		return strconv.AppendFloat(b, f, 'f', -1, 64), nil
	}
	enc, err := json.Marshal(f)
	if err != nil {
		return nil, err
	}
	return append(b, enc...), nil
}
