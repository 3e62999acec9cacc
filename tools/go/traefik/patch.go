//go:build ignore

// Command patch lays out ./upstream/lego: a copy of github.com/go-acme/lego/v5 at the version
// Traefik v3.7.13 requires, without the ACME DNS-challenge providers whose cloud SDKs the Go module
// proxy refuses (403 at the version lego pins). Traefik imports lego's provider registry
// (providers/dns), which imports every provider, so one refused SDK stops the whole build. In the
// copy each removed provider's name stays known and fails with an error that says why, so a
// certificate resolver configured with one of them stops at start-up instead of being ignored.
//
// The platform configures no ACME resolver at all (the router serves its default certificate), so
// nothing the platform runs depends on the removed providers.
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
	"strings"
)

const (
	module  = "github.com/go-acme/lego/v5"
	version = "v5.4.1"
	dest    = "upstream/lego"
)

// removed are the providers whose SDK module the proxy refuses (seen 2026-12-03).
var removed = []string{
	"alidns", "aliesa", "azion", "dnsimple", "edgedns", "edgeone", "huaweicloud", "oraclecloud",
	"regfish", "sakuracloud", "tencentcloud", "ucloud", "yandexcloud",
}

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "patch:", err)
		os.Exit(1)
	}
}

func run() error {
	out, err := exec.Command("go", "mod", "download", "-json", module+"@"+version).Output()
	if err != nil {
		return fmt.Errorf("go mod download %s@%s: %w", module, version, err)
	}
	var info struct{ Dir, Error string }
	if err := json.Unmarshal(out, &info); err != nil || info.Dir == "" {
		return fmt.Errorf("go mod download %s@%s: no Dir (%s)", module, version, info.Error)
	}
	if err := os.RemoveAll(dest); err != nil {
		return err
	}
	if err := copyTree(info.Dir, dest); err != nil {
		return err
	}
	for _, p := range removed {
		if err := os.RemoveAll(filepath.Join(dest, "providers", "dns", p)); err != nil {
			return err
		}
	}
	// lego's own command (cmd/) and generators also list every provider; Traefik uses neither.
	for _, d := range []string{"cmd", "main.go", "internal/generators", "e2e"} {
		if err := os.RemoveAll(filepath.Join(dest, d)); err != nil {
			return err
		}
	}
	return patchRegistry(filepath.Join(dest, "providers", "dns", "zz_gen_dns_providers.go"))
}

// patchRegistry drops the removed providers' imports and makes their names return an error.
func patchRegistry(file string) error {
	b, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	src := string(b)
	for _, p := range removed {
		imp := "\t\"" + module + "/providers/dns/" + p + "\"\n"
		call := "return " + p + ".NewDNSProvider()"
		if !strings.Contains(src, imp) || strings.Count(src, call) != 1 {
			return fmt.Errorf("%s: provider %s is not where this patch expects it (a new lego version?)", file, p)
		}
		src = strings.Replace(src, imp, "", 1)
		src = strings.Replace(src, call, `return nil, fmt.Errorf("DNS provider %s is not in this build: its SDK is not served by the Go module proxy", name)`, 1)
	}
	if err := os.Chmod(file, 0o644); err != nil {
		return err
	}
	return os.WriteFile(file, []byte(src), 0o644)
}

// copyTree copies a read-only module cache folder into a writable one.
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
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(target, data, 0o644)
	})
}
