package clientauth

import (
	"crypto"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"strings"
)

// ParsePrivateKeyPEM parses a PEM-encoded private key: PKCS #8 ("PRIVATE
// KEY"), PKCS #1 RSA ("RSA PRIVATE KEY") or SEC 1 EC ("EC PRIVATE KEY").
// A value whose line breaks were written as the two characters `\n`, as
// happens in environment files, is accepted too. Errors name the problem,
// never the key material.
func ParsePrivateKeyPEM(s string) (crypto.Signer, error) {
	block := DecodePEM(s)
	if block == nil {
		return nil, errors.New("clientauth: no PEM block found in the private key")
	}
	key, err := parseBlock(block)
	if err != nil {
		return nil, err
	}
	signer, ok := key.(crypto.Signer)
	if !ok {
		return nil, fmt.Errorf("clientauth: private key of type %T cannot sign", key)
	}
	if _, err := signingAlg(signer.Public(), ""); err != nil {
		return nil, err
	}
	return signer, nil
}

// DecodePEM returns the first PEM block of s, also when its line breaks were written as the
// two characters `\n` (environment files); nil when s holds none.
func DecodePEM(s string) *pem.Block {
	block, _ := pem.Decode([]byte(s))
	if block == nil && strings.Contains(s, `\n`) {
		block, _ = pem.Decode([]byte(strings.ReplaceAll(s, `\n`, "\n")))
	}
	return block
}

func parseBlock(b *pem.Block) (any, error) {
	var (
		key any
		err error
	)
	switch b.Type {
	case "PRIVATE KEY":
		key, err = x509.ParsePKCS8PrivateKey(b.Bytes)
	case "RSA PRIVATE KEY":
		key, err = x509.ParsePKCS1PrivateKey(b.Bytes)
	case "EC PRIVATE KEY":
		key, err = x509.ParseECPrivateKey(b.Bytes)
	case "ENCRYPTED PRIVATE KEY":
		return nil, errors.New("clientauth: encrypted private keys are not supported; decrypt the key first")
	default:
		return nil, fmt.Errorf("clientauth: PEM block of type %q is not a private key", b.Type)
	}
	if err != nil {
		return nil, fmt.Errorf("clientauth: parsing %s: %w", strings.ToLower(b.Type), err)
	}
	return key, nil
}
