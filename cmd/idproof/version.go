package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"strconv"
)

// Set at build time with -ldflags "-X main.gitTag=... -X main.gitCommit=... -X main.buildEpoch=...".
var (
	gitTag     string
	gitCommit  string
	buildEpoch string
)

// version is <git-tag>.<commit>.<build-epoch>, or <commit>.<build-epoch>
// without a tag, as the API document defines it. Without link-time values
// the commit comes from the Go build info and the build time from the
// executable's modification time.
func version() string {
	commit, epoch := gitCommit, buildEpoch
	if commit == "" {
		commit = "dev"
		if bi, ok := debug.ReadBuildInfo(); ok {
			for _, s := range bi.Settings {
				if s.Key == "vcs.revision" && len(s.Value) >= 12 {
					commit = s.Value[:12]
				}
			}
		}
	}
	if epoch == "" {
		epoch = "0"
		if exe, err := os.Executable(); err == nil {
			if st, err := os.Stat(exe); err == nil {
				epoch = strconv.FormatInt(st.ModTime().Unix(), 10)
			}
		}
	}
	if gitTag != "" {
		return gitTag + "." + commit + "." + epoch
	}
	return commit + "." + epoch
}

func runVersion(_ context.Context, _ []string, stdout, _ io.Writer) error {
	_, err := fmt.Fprintln(stdout, version())
	return err
}
