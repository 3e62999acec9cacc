//go:build tools

// Package tools pins the Gitea command (the module root's main package) this module builds.
package tools

import _ "gitea.dev"
