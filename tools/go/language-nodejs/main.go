// Command pulumi-language-nodejs is this project's Node.js language host for the Pulumi engine.
//
// Why it exists: the upstream host lives in its own Go module
// (github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3) that is never tagged, and the
// Go module proxy this project can reach answers 403 for every version of it. The engine talks to a
// language host only through the LanguageRuntime gRPC service defined in sdk/v3's proto package, and
// the Node.js side of the protocol (cmd/run, cmd/run-policy-pack) ships inside the @pulumi/pulumi npm
// package. This host implements that service against the pinned sdk/v3 and starts those scripts with
// the flags and environment variables they read. It covers what this project needs: running programs
// (preview/up/destroy/refresh), policy packs (RunPlugin), dependency discovery and installation.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"

	pbempty "google.golang.org/protobuf/types/known/emptypb"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

// version is set by the linker (-X main.version=...).
var version = "0.0.0-dev"

// exitCodeAlreadyReported is the code @pulumi/pulumi's run scripts exit with after they have
// reported the error to the engine themselves; the host must then not add a second message.
const exitCodeAlreadyReported = 32

type host struct {
	pulumirpc.UnimplementedLanguageRuntimeServer

	mu            sync.Mutex
	engineAddress string
}

func main() {
	// The engine passes flags (e.g. -tracing) before the positional engine address.
	flag.String("tracing", "", "tracing endpoint (accepted for compatibility)")
	flag.String("root", "", "project root (accepted for compatibility)")
	// -logtostderr and -v are registered by glog, which the sdk imports.
	flag.Parse()

	h := &host{}
	if args := flag.Args(); len(args) > 0 {
		h.engineAddress = args[0]
	}

	handle, err := rpcutil.ServeWithOptions(rpcutil.ServeOptions{
		Init: func(srv *grpc.Server) error {
			pulumirpc.RegisterLanguageRuntimeServer(srv, h)
			return nil
		},
		Options: rpcutil.OpenTracingServerInterceptorOptions(nil),
	})
	if err != nil {
		fmt.Fprintf(os.Stderr, "pulumi-language-nodejs: could not start: %v\n", err)
		os.Exit(1)
	}
	// The engine reads the port from the first line of stdout.
	fmt.Printf("%d\n", handle.Port)
	if err := <-handle.Done; err != nil {
		fmt.Fprintf(os.Stderr, "pulumi-language-nodejs: %v\n", err)
		os.Exit(1)
	}
}

func (h *host) Handshake(
	_ context.Context, req *pulumirpc.LanguageHandshakeRequest,
) (*pulumirpc.LanguageHandshakeResponse, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if req.GetEngineAddress() != "" {
		h.engineAddress = req.GetEngineAddress()
	}
	return &pulumirpc.LanguageHandshakeResponse{}, nil
}

func (h *host) engine() string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.engineAddress
}

func (h *host) GetPluginInfo(context.Context, *pbempty.Empty) (*pulumirpc.PluginInfo, error) {
	return &pulumirpc.PluginInfo{Version: version}, nil
}

// packageManifest is the part of a package.json this host reads.
type packageManifest struct {
	Name            string            `json:"name"`
	Version         string            `json:"version"`
	Dependencies    map[string]string `json:"dependencies"`
	DevDependencies map[string]string `json:"devDependencies"`
	Pulumi          *struct {
		Resource bool   `json:"resource"`
		Name     string `json:"name"`
		Version  string `json:"version"`
		Server   string `json:"server"`
	} `json:"pulumi"`
}

func readManifest(path string) (*packageManifest, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var m packageManifest
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return &m, nil
}

// programDir returns the directory the program lives in, from ProgramInfo or the legacy fields.
func programDir(info *pulumirpc.ProgramInfo, fallback string) string {
	if info != nil && info.GetProgramDirectory() != "" {
		return info.GetProgramDirectory()
	}
	if fallback != "" {
		return fallback
	}
	wd, _ := os.Getwd()
	return wd
}

// findNodeModules walks up from dir and returns every node_modules folder on the way, nearest first,
// which is the order Node's resolver uses.
func findNodeModules(dir string) []string {
	var found []string
	for d := dir; ; d = filepath.Dir(d) {
		nm := filepath.Join(d, "node_modules")
		if st, err := os.Stat(nm); err == nil && st.IsDir() {
			found = append(found, nm)
		}
		if filepath.Dir(d) == d {
			return found
		}
	}
}

// resolvePackageFile finds pkg/rel the way require.resolve would from dir.
func resolvePackageFile(dir, pkg, rel string) (string, error) {
	for _, nm := range findNodeModules(dir) {
		candidate := filepath.Join(nm, pkg, rel)
		if _, err := os.Stat(candidate); err == nil {
			return candidate, nil
		}
	}
	return "", fmt.Errorf("could not find %s/%s from %s: run `npm install` there first", pkg, rel, dir)
}

// pulumiPackages lists the resource plugins that packages under node_modules declare in the
// "pulumi" field of their package.json, nested node_modules included.
func pulumiPackages(dir string) ([]*pulumirpc.PackageDependency, error) {
	seen := map[string]*pulumirpc.PackageDependency{}
	var walk func(nm string, depth int) error
	walk = func(nm string, depth int) error {
		if depth > 8 {
			return nil
		}
		entries, err := os.ReadDir(nm)
		if err != nil {
			return nil
		}
		for _, e := range entries {
			if !e.IsDir() && e.Type()&os.ModeSymlink == 0 {
				continue
			}
			var pkgDirs []string
			if strings.HasPrefix(e.Name(), "@") {
				scoped, _ := os.ReadDir(filepath.Join(nm, e.Name()))
				for _, s := range scoped {
					pkgDirs = append(pkgDirs, filepath.Join(nm, e.Name(), s.Name()))
				}
			} else if !strings.HasPrefix(e.Name(), ".") {
				pkgDirs = append(pkgDirs, filepath.Join(nm, e.Name()))
			}
			for _, pd := range pkgDirs {
				m, err := readManifest(filepath.Join(pd, "package.json"))
				if err != nil {
					continue
				}
				if m.Pulumi != nil && m.Pulumi.Resource {
					name := m.Pulumi.Name
					if name == "" {
						name = strings.TrimPrefix(m.Name, "@pulumi/")
					}
					v := m.Pulumi.Version
					if v == "" {
						v = m.Version
					}
					if !strings.HasPrefix(v, "v") {
						v = "v" + v
					}
					seen[name+"@"+v] = &pulumirpc.PackageDependency{
						Name: name, Kind: "resource", Version: v, Server: m.Pulumi.Server,
					}
				}
				if err := walk(filepath.Join(pd, "node_modules"), depth+1); err != nil {
					return err
				}
			}
		}
		return nil
	}
	nms := findNodeModules(dir)
	if len(nms) == 0 {
		return nil, fmt.Errorf("no node_modules folder found from %s: run `npm install` first", dir)
	}
	if err := walk(nms[0], 0); err != nil {
		return nil, err
	}
	keys := make([]string, 0, len(seen))
	for k := range seen {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := make([]*pulumirpc.PackageDependency, 0, len(keys))
	for _, k := range keys {
		out = append(out, seen[k])
	}
	return out, nil
}

func (h *host) GetRequiredPackages(
	_ context.Context, req *pulumirpc.GetRequiredPackagesRequest,
) (*pulumirpc.GetRequiredPackagesResponse, error) {
	pkgs, err := pulumiPackages(programDir(req.GetInfo(), ""))
	if err != nil {
		return nil, err
	}
	return &pulumirpc.GetRequiredPackagesResponse{Packages: pkgs}, nil
}

func (h *host) GetRequiredPlugins(
	_ context.Context, req *pulumirpc.GetRequiredPluginsRequest,
) (*pulumirpc.GetRequiredPluginsResponse, error) {
	pkgs, err := pulumiPackages(programDir(req.GetInfo(), req.GetProgram())) //nolint:staticcheck
	if err != nil {
		return nil, err
	}
	plugins := make([]*pulumirpc.PluginDependency, 0, len(pkgs))
	for _, p := range pkgs {
		plugins = append(plugins, &pulumirpc.PluginDependency{
			Name: p.Name, Kind: p.Kind, Version: p.Version, Server: p.Server,
		})
	}
	return &pulumirpc.GetRequiredPluginsResponse{Plugins: plugins}, nil
}

// runtimeOptions reads the `runtime.options` block of Pulumi.yaml as the engine forwards it.
type runtimeOptions struct {
	typescript bool
	tsconfig   string
	nodeargs   []string
}

func readOptions(info *pulumirpc.ProgramInfo) runtimeOptions {
	opts := runtimeOptions{typescript: true}
	if info == nil || info.GetOptions() == nil {
		return opts
	}
	m := info.GetOptions().AsMap()
	if v, ok := m["typescript"].(bool); ok {
		opts.typescript = v
	}
	if v, ok := m["tsconfig"].(string); ok {
		opts.tsconfig = v
	}
	if v, ok := m["nodeargs"].(string); ok && strings.TrimSpace(v) != "" {
		opts.nodeargs = strings.Fields(v)
	}
	return opts
}

func (h *host) Run(ctx context.Context, req *pulumirpc.RunRequest) (*pulumirpc.RunResponse, error) {
	dir := programDir(req.GetInfo(), req.GetPwd())
	runScript, err := resolvePackageFile(dir, "@pulumi/pulumi", filepath.Join("cmd", "run", "index.js"))
	if err != nil {
		return &pulumirpc.RunResponse{Error: err.Error()}, nil
	}
	opts := readOptions(req.GetInfo())

	args := append([]string{}, opts.nodeargs...)
	args = append(args, runScript)
	flagArg := func(name, value string) {
		if value != "" {
			args = append(args, "--"+name, value)
		}
	}
	flagArg("monitor", req.GetMonitorAddress())
	flagArg("engine", h.engine())
	flagArg("organization", req.GetOrganization())
	flagArg("project", req.GetProject())
	flagArg("stack", req.GetStack())
	flagArg("pwd", req.GetPwd())
	if req.GetInfo() != nil {
		flagArg("root-directory", req.GetInfo().GetRootDirectory())
	}
	if req.GetDryRun() {
		args = append(args, "--dry-run")
	}
	flagArg("parallel", strconv.Itoa(int(req.GetParallel())))

	program := dir
	if req.GetInfo() != nil && req.GetInfo().GetEntryPoint() != "" && req.GetInfo().GetEntryPoint() != "." {
		program = filepath.Join(dir, req.GetInfo().GetEntryPoint())
	}
	args = append(args, program)
	args = append(args, req.GetArgs()...)

	configJSON, err := json.Marshal(req.GetConfig())
	if err != nil {
		return nil, err
	}
	secretKeys := req.GetConfigSecretKeys()
	if secretKeys == nil {
		secretKeys = []string{}
	}
	secretKeysJSON, err := json.Marshal(secretKeys)
	if err != nil {
		return nil, err
	}

	env := append(os.Environ(),
		"PULUMI_CONFIG="+string(configJSON),
		"PULUMI_CONFIG_SECRET_KEYS="+string(secretKeysJSON),
		"PULUMI_NODEJS_TYPESCRIPT="+strconv.FormatBool(opts.typescript),
	)
	if opts.tsconfig != "" {
		env = append(env, "PULUMI_NODEJS_TSCONFIG_PATH="+opts.tsconfig)
	}

	cmd := exec.CommandContext(ctx, "node", args...)
	cmd.Dir = req.GetPwd()
	cmd.Env = env
	// The engine forwards what the host writes to its own stdout/stderr as diagnostics.
	cmd.Stdout = os.Stdout
	cmd.Stderr = os.Stderr
	if err := cmd.Run(); err != nil {
		var exitErr *exec.ExitError
		if errors.As(err, &exitErr) {
			if exitErr.ExitCode() == exitCodeAlreadyReported {
				return &pulumirpc.RunResponse{Bail: true}, nil
			}
			return &pulumirpc.RunResponse{
				Error: fmt.Sprintf("Program exited with non-zero exit code: %d", exitErr.ExitCode()),
			}, nil
		}
		return &pulumirpc.RunResponse{Error: fmt.Sprintf("could not start node: %v", err)}, nil
	}
	return &pulumirpc.RunResponse{}, nil
}

// streamWriter turns a child's output into RunPlugin/InstallDependencies stream messages.
type streamWriter struct {
	mu   *sync.Mutex
	send func([]byte) error
}

func (w streamWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	buf := append([]byte(nil), p...)
	if err := w.send(buf); err != nil {
		return 0, err
	}
	return len(p), nil
}

func (h *host) RunPlugin(
	req *pulumirpc.RunPluginRequest, server pulumirpc.LanguageRuntime_RunPluginServer,
) error {
	dir := programDir(req.GetInfo(), req.GetPwd())
	var script string
	var args []string
	_, policyErr := os.Stat(filepath.Join(dir, "PulumiPolicy.yaml"))
	switch {
	case req.GetKind() == "analyzer" || policyErr == nil:
		s, err := resolvePackageFile(dir, "@pulumi/pulumi", filepath.Join("cmd", "run-policy-pack", "index.js"))
		if err != nil {
			return err
		}
		script = s
		// run-policy-pack drops its first positional argument (the engine address) and loads the second.
		engineAddr := h.engine()
		if len(req.GetArgs()) > 0 {
			engineAddr = req.GetArgs()[0]
		}
		args = []string{script, engineAddr, dir}
	default:
		s, err := resolvePackageFile(dir, "@pulumi/pulumi", filepath.Join("cmd", "run-plugin", "index.js"))
		if err != nil {
			return err
		}
		script = s
		args = append([]string{script, dir}, req.GetArgs()...)
	}
	opts := readOptions(req.GetInfo())
	cmd := exec.Command("node", append(append([]string{}, opts.nodeargs...), args...)...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), req.GetEnv()...)

	var mu sync.Mutex
	cmd.Stdout = streamWriter{mu: &mu, send: func(b []byte) error {
		return server.Send(&pulumirpc.RunPluginResponse{Output: &pulumirpc.RunPluginResponse_Stdout{Stdout: b}})
	}}
	cmd.Stderr = streamWriter{mu: &mu, send: func(b []byte) error {
		return server.Send(&pulumirpc.RunPluginResponse{Output: &pulumirpc.RunPluginResponse_Stderr{Stderr: b}})
	}}
	code := 0
	if err := cmd.Run(); err != nil {
		var exitErr *exec.ExitError
		if !errors.As(err, &exitErr) {
			return err
		}
		code = exitErr.ExitCode()
	}
	return server.Send(&pulumirpc.RunPluginResponse{Output: &pulumirpc.RunPluginResponse_Exitcode{Exitcode: int32(code)}})
}

func (h *host) InstallDependencies(
	req *pulumirpc.InstallDependenciesRequest, server pulumirpc.LanguageRuntime_InstallDependenciesServer,
) error {
	dir := req.GetDirectory() //nolint:staticcheck
	if req.GetInfo() != nil && req.GetInfo().GetProgramDirectory() != "" {
		dir = req.GetInfo().GetProgramDirectory()
	}
	cmd := exec.Command("npm", "install", "--no-audit", "--no-fund")
	cmd.Dir = dir
	var mu sync.Mutex
	cmd.Stdout = streamWriter{mu: &mu, send: func(b []byte) error {
		return server.Send(&pulumirpc.InstallDependenciesResponse{Stdout: b})
	}}
	cmd.Stderr = streamWriter{mu: &mu, send: func(b []byte) error {
		return server.Send(&pulumirpc.InstallDependenciesResponse{Stderr: b})
	}}
	if err := cmd.Run(); err != nil {
		return status.Errorf(codes.Internal, "npm install in %s failed: %v", dir, err)
	}
	return nil
}

func nodeVersion() (string, string, error) {
	path, err := exec.LookPath("node")
	if err != nil {
		return "", "", errors.New("node is not on PATH")
	}
	out, err := exec.Command(path, "--version").Output()
	if err != nil {
		return path, "", err
	}
	return path, strings.TrimPrefix(strings.TrimSpace(string(out)), "v"), nil
}

func (h *host) About(context.Context, *pulumirpc.AboutRequest) (*pulumirpc.AboutResponse, error) {
	path, v, err := nodeVersion()
	if err != nil {
		return nil, err
	}
	return &pulumirpc.AboutResponse{Executable: path, Version: v}, nil
}

func (h *host) GetProgramDependencies(
	_ context.Context, req *pulumirpc.GetProgramDependenciesRequest,
) (*pulumirpc.GetProgramDependenciesResponse, error) {
	dir := programDir(req.GetInfo(), req.GetPwd()) //nolint:staticcheck
	m, err := readManifest(filepath.Join(dir, "package.json"))
	if err != nil {
		return nil, err
	}
	names := make([]string, 0, len(m.Dependencies)+len(m.DevDependencies))
	for n := range m.Dependencies {
		names = append(names, n)
	}
	if req.GetTransitiveDependencies() {
		for n := range m.DevDependencies {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	deps := make([]*pulumirpc.DependencyInfo, 0, len(names))
	for _, n := range names {
		installed, err := resolvePackageFile(dir, n, "package.json")
		if err != nil {
			continue
		}
		pm, err := readManifest(installed)
		if err != nil {
			continue
		}
		deps = append(deps, &pulumirpc.DependencyInfo{Name: n, Version: pm.Version})
	}
	return &pulumirpc.GetProgramDependenciesResponse{Dependencies: deps}, nil
}

var _ io.Writer = streamWriter{}
