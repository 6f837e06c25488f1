package oidctest

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"fmt"
	"math/big"
	"net"
	"net/http"
	"time"
)

// shutdownGrace is how long Close waits for requests in flight before it cuts their
// connections.
const shutdownGrace = 5 * time.Second

// listener serves the provider over HTTP, or HTTPS with a self-signed certificate, on a
// listener of its own. It is what net/http/httptest.Server would be, without linking package
// testing or flag into programs that start a demo provider.
type listener struct {
	srv    *http.Server
	url    string
	cert   *x509.Certificate // nil without TLS
	client *http.Client
	served chan struct{}
}

// listen serves h on ln, over TLS when withTLS is set.
func listen(ln net.Listener, h http.Handler, withTLS bool) (*listener, error) {
	l := &listener{
		srv:    &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second},
		url:    "http://" + ln.Addr().String(),
		served: make(chan struct{}),
	}
	transport := http.DefaultTransport.(*http.Transport).Clone()
	if withTLS {
		cert, err := selfSignedCertificate(time.Now())
		if err != nil {
			return nil, err
		}
		l.cert = cert.Leaf
		l.url = "https://" + ln.Addr().String()
		l.srv.TLSConfig = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
		ln = tls.NewListener(ln, l.srv.TLSConfig)
		roots := x509.NewCertPool()
		roots.AddCert(cert.Leaf)
		transport.TLSClientConfig = &tls.Config{RootCAs: roots, MinVersion: tls.VersionTLS12}
	}
	l.client = &http.Client{Transport: transport}
	go func() {
		defer close(l.served)
		_ = l.srv.Serve(ln)
	}()
	return l, nil
}

// close stops serving: it waits up to shutdownGrace for the requests in flight, then cuts the
// connections that are left.
func (l *listener) close() {
	ctx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	if err := l.srv.Shutdown(ctx); err != nil {
		_ = l.srv.Close()
	}
	<-l.served
	l.client.CloseIdleConnections()
}

// selfSignedCertificate returns an ECDSA P-256 certificate for 127.0.0.1, ::1 and localhost,
// valid from an hour before now for a year.
func selfSignedCertificate(now time.Time) (tls.Certificate, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("oidctest: TLS key: %w", err)
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 120))
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("oidctest: TLS certificate serial: %w", err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{Organization: []string{"oidctest"}, CommonName: "127.0.0.1"},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(365 * 24 * time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
		IPAddresses:           []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback},
		DNSNames:              []string{"localhost"},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("oidctest: TLS certificate: %w", err)
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		return tls.Certificate{}, errors.Join(errors.New("oidctest: TLS certificate"), err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}, nil
}
