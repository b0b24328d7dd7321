// Package testservers starts the real servers some tests need — an
// S3-compatible gateway (versitygw) and the Azure Blob emulator (Azurite) —
// on free loopback ports. Both verify request signatures, so what the tests
// see refused is refused by a real implementation, not by a mock sharing
// our assumptions.
//
// A missing binary skips the test, except under CI=true, where it fails:
// CI must not pass with a backend silently untested.
package testservers

import (
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// notInstalled means there is no binary to run: the one case that may skip.
type notInstalled string

func (e notInstalled) Error() string { return string(e) }

// Require turns a start error into a skip (binary missing, not in CI) or a
// failure (anything else).
func Require(tb testing.TB, what, install string, err error) {
	tb.Helper()
	var missing notInstalled
	switch {
	case errors.As(err, &missing) && os.Getenv("CI") == "true":
		tb.Fatalf("%s; CI must install it: %s", err, install)
	case errors.As(err, &missing):
		tb.Skipf("%s; install it with: %s", err, install)
	case err != nil:
		tb.Fatalf("%s: %v", what, err)
	}
}

// find looks for a binary named by env, then in PATH, then in dirs.
func find(env, name string, dirs []string) (string, error) {
	if p := os.Getenv(env); p != "" {
		if _, err := os.Stat(p); err != nil {
			// Named explicitly, so a wrong name is an error, not a skip.
			return "", fmt.Errorf("%s=%s: %w", env, p, err)
		}
		return p, nil
	}
	if p, err := exec.LookPath(name); err == nil {
		return p, nil
	}
	for _, d := range dirs {
		p := filepath.Join(d, name)
		if fi, err := os.Stat(p); err == nil && fi.Mode().IsRegular() && fi.Mode()&0o111 != 0 {
			return p, nil
		}
	}
	return "", notInstalled(fmt.Sprintf("%s not found (looked at $%s, PATH and %s)", name, env, strings.Join(dirs, ", ")))
}

// process is a started server.
type process struct {
	cmd  *exec.Cmd
	dir  string
	done chan struct{}
}

// start runs cmd (logging to dir) and waits until addr accepts connections.
// The child is killed if the test binary dies first.
func start(cmd *exec.Cmd, dir, addr string) (*process, error) {
	logPath := filepath.Join(dir, "server.log")
	logf, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	defer logf.Close()
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	p := &process{cmd: cmd, dir: dir, done: make(chan struct{})}
	go func() { cmd.Wait(); close(p.done) }()
	deadline := time.Now().Add(60 * time.Second)
	for {
		select {
		case <-p.done:
			out, _ := os.ReadFile(logPath)
			return nil, fmt.Errorf("%s exited: %s\n%s", filepath.Base(cmd.Path), cmd.ProcessState, out)
		default:
		}
		if c, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
			c.Close()
			return p, nil
		}
		if time.Now().After(deadline) {
			p.stop()
			out, _ := os.ReadFile(logPath)
			return nil, fmt.Errorf("%s did not listen on %s within 60s\n%s", filepath.Base(cmd.Path), addr, out)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// stop kills the server and removes its directory.
func (p *process) stop() {
	p.cmd.Process.Kill()
	<-p.done
	os.RemoveAll(p.dir)
}

func freeAddr() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer l.Close()
	return l.Addr().String(), nil
}

// goBinDirs are where `go install` puts binaries.
func goBinDirs() []string {
	var dirs []string
	if out, err := exec.Command("go", "env", "GOBIN", "GOPATH").Output(); err == nil {
		lines := strings.Split(string(out), "\n")
		if gobin := strings.TrimSpace(lines[0]); gobin != "" {
			dirs = append(dirs, gobin)
		}
		if len(lines) > 1 {
			for _, p := range filepath.SplitList(strings.TrimSpace(lines[1])) {
				dirs = append(dirs, filepath.Join(p, "bin"))
			}
		}
	}
	if home, err := os.UserHomeDir(); err == nil {
		dirs = append(dirs, filepath.Join(home, "go", "bin"))
	}
	return dirs
}

// environ is the environment without variables that would reconfigure
// the servers (their root account, their options).
func environ(prefixes ...string) []string {
	var env []string
	for _, kv := range os.Environ() {
		skip := false
		for _, p := range prefixes {
			skip = skip || strings.HasPrefix(kv, p)
		}
		if !skip {
			env = append(env, kv)
		}
	}
	return env
}
