// Package docs holds nothing but the examples that the guides in this directory show. The
// guides are the Markdown files next to it; every Go block in them is taken from an Example
// function or a test of this package, so the code they show compiles and, where it can, runs
// with its output checked against the fake OpenID Provider of package oidctest.
package docs
