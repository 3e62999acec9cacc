//go:build tools

// Package tools pins the Alertmanager and amtool commands this module builds.
package tools

import (
	_ "github.com/prometheus/alertmanager/cmd/alertmanager"
	_ "github.com/prometheus/alertmanager/cmd/amtool"
)
