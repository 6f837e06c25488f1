package mw

import "testing"

func TestMergeScopes(t *testing.T) {
	for _, tc := range []struct {
		in   []string
		want string
	}{
		{[]string{"read:orders", "write:orders"}, "read:orders write:orders"},
		{[]string{"openid  profile", "profile email openid"}, "openid profile email"},
		{[]string{"", " "}, ""},
		{[]string{"b a", "a c b"}, "b a c"},
	} {
		if got := MergeScopes(tc.in...); got != tc.want {
			t.Errorf("MergeScopes(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
