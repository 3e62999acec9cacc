//go:build tools

// Package tools pins flanneld (the flannel module's root package) this module builds.
package tools

import _ "github.com/flannel-io/flannel"
