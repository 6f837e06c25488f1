package dpop

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
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

// BenchmarkProofGoJose makes the same ES256 proof with go-jose, for comparison.
func BenchmarkProofGoJose(b *testing.B) {
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	opts := (&jose.SignerOptions{EmbedJWK: true}).WithType("dpop+jwt")
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.ES256, Key: key}, opts)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		claims := proofClaims{JTI: rand.Text(), HTM: "GET", HTU: "https://api.example/v1/items", IAT: time.Now().Unix(), ATH: TokenHash("an-access-token-of-some-length")}
		payload, _ := json.Marshal(claims)
		jws, err := signer.Sign(payload)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := jws.CompactSerialize(); err != nil {
			b.Fatal(err)
		}
	}
}
