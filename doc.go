// Package authchain gives any net/http application OpenID Connect login with Auth0 or any
// other OpenID Provider: encrypted rolling sessions kept in cookies or in a store, access
// tokens that refresh themselves, and small middlewares that chain with justinas/alice.
package authchain
