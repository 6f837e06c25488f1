package dpop

import (
	"crypto/rand"
	"crypto/rsa"
	"testing"
)

func BenchmarkProof(b *testing.B) {
	es, _ := GenerateKey()
	rk, _ := rsa.GenerateKey(rand.Reader, 2048)
	rs, _ := NewKey(rk)
	for _, k := range []*Key{es, rs} {
		b.Run(k.Alg(), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := k.Proof("GET", "https://api.example/v1/items?page=2", "an-access-token-of-some-length"); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
