//go:build ignore

// Command patch lays out ./upstream: a copy of sigs.k8s.io/kube-network-policies at the version
// go.mod requires, with one change. Upstream diverts packets to its userspace policy engine with
// the native nf_tables `queue` expression, which needs CONFIG_NFT_QUEUE; kernels built without it
// (this project's build machines among them) refuse the whole rule batch with ENOENT, so upstream
// installs no rules and silently enforces no NetworkPolicy. The copy sends packets to the same
// queue through the xtables NFQUEUE target (revision 3) via nft_compat instead, which needs
// CONFIG_NFT_COMPAT and CONFIG_NETFILTER_XT_TARGET_NFQUEUE and behaves the same, bypass flag
// included.
//
// Second change: upstream lets a connection's later packets through only when its verdict put a
// conntrack label on the connection, which the kernel applies only with
// CONFIG_NETFILTER_NETLINK_GLUE_CT (unset here too). Without it every reply is queued again as a
// new connection of the answering pod and its default-deny egress drops it
// (test/e2e/real-nodes.test.ts, "lets the router's namespace in", fails). The copy accepts
// established and related packets by conntrack state alone, as before labels were added; the
// platform runs the agent with --strict-mode=false, which is what re-judged labelled connections.
//
// Only the dataplane that the standard binary uses is changed (pkg/dns, used by the
// admin-network-policy binaries, is left alone).
//
// Run from this folder: go run patch.go
package main

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
)

const (
	module = "sigs.k8s.io/kube-network-policies"
	dest   = "upstream"
)

// compatFile is added to pkg/dataplane.
const compatFile = `// Code added by containercloud's tools/go/kube-network-policies/patch.go; not upstream.

package dataplane

import (
	"encoding/binary"

	"github.com/google/nftables/expr"
	"github.com/google/nftables/xt"
)

// nfqueueTarget sends a packet to an nfqueue through the xtables NFQUEUE target (revision 3,
// struct xt_NFQ_info_v3) via nft_compat, in place of the native nf_tables queue expression that
// kernels without CONFIG_NFT_QUEUE refuse. bypass (NFQ_FLAG_BYPASS) accepts the packet when no
// program listens on the queue.
func nfqueueTarget(num uint16, bypass bool) expr.Any {
	info := make([]byte, 6)
	binary.NativeEndian.PutUint16(info[0:2], num) // queuenum
	binary.NativeEndian.PutUint16(info[2:4], 1)   // queues_total
	if bypass {
		binary.NativeEndian.PutUint16(info[4:6], 0x1) // flags: NFQ_FLAG_BYPASS
	}
	raw := xt.Unknown(info)
	return &expr.Target{Name: "NFQUEUE", Rev: 3, Info: &raw}
}
`

// queueBlock is the statement upstream uses (twice) to build its queue expression.
var queueBlock = regexp.MustCompile(`(?m)^(\t+)queue := &expr\.Queue\{Num: uint16\(c\.config\.QueueID\)\}\n\t+if c\.config\.FailOpen \{\n\t+queue\.Flag = expr\.QueueFlagBypass\n\t+\}\n`)

// labelCheck is the part of the established-connection rule that also requires the accept label.
var labelCheck = regexp.MustCompile(`(?m)^\t+&expr\.Ct\{Register: 0x1, Key: expr\.CtKeyLABELS\},\n\t+&expr\.Bitwise\{SourceRegister: 0x1, DestRegister: 0x1, Len: 16, Mask: generateLabelMask\(c\.config\.CTLabelAccept\), Xor: make\(\[\]byte, 16\)\},\n\t+&expr\.Cmp\{Op: expr\.CmpOpNeq, Register: 0x1, Data: make\(\[\]byte, 16\)\},\n`)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "patch:", err)
		os.Exit(1)
	}
}

func required() (string, error) {
	b, err := os.ReadFile("go.mod")
	if err != nil {
		return "", err
	}
	m := regexp.MustCompile(`(?m)^\s*(?:require\s+)?` + regexp.QuoteMeta(module) + `\s+(v\S+)`).FindSubmatch(b)
	if m == nil {
		return "", fmt.Errorf("go.mod requires no %s", module)
	}
	return string(m[1]), nil
}

func run() error {
	version, err := required()
	if err != nil {
		return err
	}
	// Download outside this module: its replace points at the folder being made.
	cmd := exec.Command("go", "mod", "download", "-json", module+"@"+version)
	cmd.Dir = os.TempDir()
	cmd.Env = append(os.Environ(), "GO111MODULE=on", "GOFLAGS=-mod=mod")
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		return fmt.Errorf("go mod download %s@%s: %v", module, version, err)
	}
	var info struct{ Dir, Error string }
	if err := json.Unmarshal(out, &info); err != nil || info.Dir == "" {
		return fmt.Errorf("go mod download %s@%s: %s", module, version, info.Error)
	}
	if err := os.RemoveAll(dest); err != nil {
		return err
	}
	tmp := dest + ".tmp"
	if err := os.RemoveAll(tmp); err != nil {
		return err
	}
	if err := copyTree(info.Dir, tmp); err != nil {
		return err
	}
	ctl := filepath.Join(tmp, "pkg", "dataplane", "controller.go")
	src, err := os.ReadFile(ctl)
	if err != nil {
		return err
	}
	if n := len(queueBlock.FindAll(src, -1)); n != 2 {
		return fmt.Errorf("%s@%s: expected 2 queue statements in pkg/dataplane/controller.go, found %d: update patch.go", module, version, n)
	}
	patched := queueBlock.ReplaceAll(src, []byte("${1}queue := nfqueueTarget(uint16(c.config.QueueID), c.config.FailOpen)\n"))
	if n := len(labelCheck.FindAll(patched, -1)); n != 1 {
		return fmt.Errorf("%s@%s: expected 1 conntrack label check in pkg/dataplane/controller.go, found %d: update patch.go", module, version, n)
	}
	patched = labelCheck.ReplaceAll(patched, nil)
	if strings.Contains(string(patched), "expr.Queue") {
		return fmt.Errorf("%s@%s: pkg/dataplane/controller.go still uses expr.Queue: update patch.go", module, version)
	}
	if err := os.WriteFile(ctl, patched, 0o644); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(tmp, "pkg", "dataplane", "zz_nfqueue_compat.go"), []byte(compatFile), 0o644); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(tmp, "VERSION.containercloud"), []byte(version+" with the NFQUEUE-target and conntrack-state changes\n"), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, dest)
}

// copyTree copies the module (read-only in the module cache) into writable files.
func copyTree(from, to string) error {
	return filepath.WalkDir(from, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(from, p)
		target := filepath.Join(to, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		if !d.Type().IsRegular() {
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(target, b, 0o644)
	})
}
