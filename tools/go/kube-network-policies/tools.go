//go:build tools

// Wrapper module: builds kube-network-policies, the Kubernetes SIG Network NetworkPolicy
// enforcer, from its own command package (cmd/kube-network-policies/standard). go.mod replaces
// the module with ./upstream, a copy that `go run patch.go` makes from the module cache with one
// change: packets go to nfqueue through the xtables NFQUEUE target, because kernels without
// CONFIG_NFT_QUEUE refuse upstream's native nf_tables queue expression (see patch.go).
package tools

import (
	_ "sigs.k8s.io/kube-network-policies/cmd/kube-network-policies/standard"
)
