package clientauth

import (
	"crypto"
	"crypto/ecdh"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"strings"
	"testing"
)

func encodePEM(typ string, der []byte) string {
	return string(pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}))
}

func pkcs8(t *testing.T, key any) []byte {
	t.Helper()
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	return der
}

type publicKey interface{ Equal(crypto.PublicKey) bool }

func TestParsePrivateKeyPEMFormats(t *testing.T) {
	t.Parallel()
	rsa2048 := rsaKey(t, 2048)
	p256 := ecKey(t, elliptic.P256())
	ed := edKey(t)
	sec1, err := x509.MarshalECPrivateKey(p256)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		pem  string
		want crypto.PublicKey
	}{
		{"PKCS#8 RSA", encodePEM("PRIVATE KEY", pkcs8(t, rsa2048)), rsa2048.Public()},
		{"PKCS#8 EC", encodePEM("PRIVATE KEY", pkcs8(t, p256)), p256.Public()},
		{"PKCS#8 Ed25519", encodePEM("PRIVATE KEY", pkcs8(t, ed)), ed.Public()},
		{"PKCS#1 RSA", encodePEM("RSA PRIVATE KEY", x509.MarshalPKCS1PrivateKey(rsa2048)), rsa2048.Public()},
		{"SEC 1 EC", encodePEM("EC PRIVATE KEY", sec1), p256.Public()},
		{"escaped newlines", strings.ReplaceAll(encodePEM("PRIVATE KEY", pkcs8(t, p256)), "\n", `\n`), p256.Public()},
	}
	for _, tt := range tests {
		got, err := ParsePrivateKeyPEM(tt.pem)
		if err != nil {
			t.Errorf("%s: %v", tt.name, err)
			continue
		}
		if !got.Public().(publicKey).Equal(tt.want) {
			t.Errorf("%s: parsed a different key", tt.name)
		}
	}
}

func TestParsePrivateKeyPEMErrorsHideKeyMaterial(t *testing.T) {
	t.Parallel()
	x, err := ecdh.X25519().GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	garbage := []byte("this is not DER but it is secret material 0123456789")
	secret := base64.StdEncoding.EncodeToString(garbage)
	tests := map[string]string{
		"empty":                "",
		"no PEM":               secret,
		"garbage PKCS#8":       encodePEM("PRIVATE KEY", garbage),
		"garbage PKCS#1":       encodePEM("RSA PRIVATE KEY", garbage),
		"garbage SEC 1":        encodePEM("EC PRIVATE KEY", garbage),
		"encrypted":            encodePEM("ENCRYPTED PRIVATE KEY", garbage),
		"certificate":          encodePEM("CERTIFICATE", garbage),
		"X25519 cannot sign":   encodePEM("PRIVATE KEY", pkcs8(t, x)),
		"1024-bit RSA refused": encodePEM("RSA PRIVATE KEY", x509.MarshalPKCS1PrivateKey(rsaKey(t, 1024))),
	}
	for name, in := range tests {
		_, err := ParsePrivateKeyPEM(in)
		if err == nil {
			t.Errorf("%s: no error", name)
			continue
		}
		msg := err.Error()
		if !strings.HasPrefix(msg, "clientauth: ") {
			t.Errorf("%s: error %q lacks the package prefix", name, msg)
		}
		if strings.Contains(msg, secret[:16]) || strings.Contains(msg, "secret material") || strings.Contains(msg, "MII") {
			t.Errorf("%s: error %q echoes key material", name, msg)
		}
	}
}
