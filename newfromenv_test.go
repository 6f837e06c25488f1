package authchain_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/authchain/authchain"
)

// TestNewFromEnvReportsEveryMissingValue: NewFromEnv is ConfigFromEnv then New, whose error
// names every missing value.
func TestNewFromEnvReportsEveryMissingValue(t *testing.T) {
	for _, name := range []string{"AUTH0_DOMAIN", "AUTH0_CLIENT_ID", "AUTH0_CLIENT_SECRET", "AUTH0_SECRET", "APP_BASE_URL"} {
		t.Setenv(name, "")
	}
	_, err := authchain.NewFromEnv()
	if !errors.Is(err, authchain.ErrInvalidConfig) {
		t.Fatalf("NewFromEnv without settings: %v; want ErrInvalidConfig", err)
	}
	for _, field := range []string{"Domain", "ClientID", "Secret"} {
		if !strings.Contains(err.Error(), field) {
			t.Errorf("the error does not name %s: %v", field, err)
		}
	}
}
