//go:build tools

// Package tools pins the k9s command this module builds (k9s' main package is its module root).
package tools

import _ "github.com/derailed/k9s"
