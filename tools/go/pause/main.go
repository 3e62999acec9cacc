// Command pause is the pod sandbox's process: it holds the pod's namespaces open, sleeps until
// SIGTERM or SIGINT (then exits 0), and reaps the zombies reparented to it when the pod shares one
// PID namespace. It does what Kubernetes' pause does; that one is C, built outside Go modules.
package main

import (
	"errors"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

// version is the pause image version, set at link time (-X main.version=...).
var version = "unknown"

func main() {
	if len(os.Args) == 2 && os.Args[1] == "-v" {
		fmt.Printf("pause (containercloud, Go) v%s\n", version)
		return
	}
	if os.Getpid() != 1 {
		fmt.Fprintln(os.Stderr, "Warning: pause should be the first process")
	}
	sigs := make(chan os.Signal, 16)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM, syscall.SIGCHLD)
	for sig := range sigs {
		if sig == syscall.SIGCHLD {
			reap()
			continue
		}
		fmt.Fprintf(os.Stderr, "Shutting down, got signal: %v\n", sig)
		os.Exit(0)
	}
}

// reap collects every exited child without blocking: signals coalesce, so one SIGCHLD may stand
// for several exits.
func reap() {
	for {
		var status syscall.WaitStatus
		pid, err := syscall.Wait4(-1, &status, syscall.WNOHANG, nil)
		if errors.Is(err, syscall.EINTR) {
			continue
		}
		if err != nil || pid <= 0 {
			return
		}
	}
}
