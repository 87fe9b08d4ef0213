// pause: the sandbox process of every pod. It does what Kubernetes' own pause
// (build/pause/linux/pause.c) is there for: stay alive, doing nothing, until it
// is told to stop, and, as PID 1 of a pod's PID namespace, reap orphaned
// children. Written here in Go (static, CGO off) so the node image needs no C
// toolchain and nothing pulled from a registry.
package main

import (
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

// version is what `pause -v` prints; kubeadm's pause tag is the image's tag.
var version = "auditspec"

func main() {
	if len(os.Args) > 1 && os.Args[1] == "-v" {
		fmt.Printf("pause.go %s\n", version)
		return
	}
	if os.Getpid() != 1 {
		fmt.Fprintln(os.Stderr, "Warning: pause should be the first process")
	}
	signals := make(chan os.Signal, 8)
	signal.Notify(signals, syscall.SIGINT, syscall.SIGTERM, syscall.SIGCHLD)
	for sig := range signals {
		switch sig {
		case syscall.SIGINT, syscall.SIGTERM:
			fmt.Fprintf(os.Stderr, "Shutting down, got signal: %v\n", sig)
			os.Exit(0)
		case syscall.SIGCHLD:
			// Reap every child that has exited (orphans re-parented to PID 1).
			for {
				pid, err := syscall.Wait4(-1, nil, syscall.WNOHANG, nil)
				if pid <= 0 || err != nil {
					break
				}
			}
		}
	}
}
