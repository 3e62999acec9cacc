//go:build tools

// Package tools pins the BuildKit commands (cmd/buildkitd, cmd/buildctl) this module builds.
package tools

import (
	_ "github.com/moby/buildkit/cmd/buildctl"
	_ "github.com/moby/buildkit/cmd/buildkitd"
)
