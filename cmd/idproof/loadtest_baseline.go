package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/idproof/idproof/internal/floor"
)

// runBaseline runs the plan against a floor server started in this process
// on a listener of its own: SQLite in a temporary directory, or PostgreSQL
// at databaseURL. The floor makes its own license, which the run sends.
func (p *loadPlan) runBaseline(ctx context.Context, databaseURL string, progress io.Writer) (*loadtestReport, error) {
	var (
		f   *floor.Server
		err error
	)
	if databaseURL != "" {
		f, err = floor.OpenPostgres(ctx, databaseURL)
	} else {
		dir, derr := os.MkdirTemp("", "idproof-floor-")
		if derr != nil {
			return nil, derr
		}
		defer os.RemoveAll(dir)
		f, err = floor.OpenSQLite(ctx, filepath.Join(dir, "floor.db"))
	}
	if err != nil {
		return nil, fmt.Errorf("baseline: %w", err)
	}
	defer f.Close()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	srv := &http.Server{Handler: f, ReadHeaderTimeout: 10 * time.Second}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	defer func() {
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		srv.Shutdown(sctx)
		if err := <-served; !errors.Is(err, http.ErrServerClosed) {
			fmt.Fprintf(progress, "loadtest: baseline server: %v\n", err)
		}
	}()
	return p.run(ctx, "http://"+ln.Addr().String(), f.License(), "baseline, "+f.Store(), progress)
}

// loadComparison is a --baseline run: the server, the floor, and how many
// times the floor's cost the server's is.
type loadComparison struct {
	Real     *loadtestReport `json:"real"`
	Baseline *loadtestReport `json:"baseline"`
	Ratio    loadRatio       `json:"ratio"`
}

// loadRatio is real/baseline: above 1 for the latencies when the server is
// slower, below 1 for the throughput. Zero where the baseline measured
// nothing.
type loadRatio struct {
	Throughput float64 `json:"throughput"`
	P50        float64 `json:"p50"`
	P95        float64 `json:"p95"`
	P99        float64 `json:"p99"`
}

func ratio(actual, base *loadtestReport) loadRatio {
	div := func(a, b float64) float64 {
		if b == 0 {
			return 0
		}
		return a / b
	}
	r := loadRatio{Throughput: div(actual.RequestsPerSecond, base.RequestsPerSecond)}
	if len(actual.Endpoints) == 1 && len(base.Endpoints) == 1 {
		a, b := actual.Endpoints[0], base.Endpoints[0]
		r.P50, r.P95, r.P99 = div(a.P50, b.P50), div(a.P95, b.P95), div(a.P99, b.P99)
	}
	return r
}

func (c loadComparison) print(w io.Writer) {
	c.Real.print(w)
	fmt.Fprintln(w)
	c.Baseline.print(w)
	fmt.Fprintln(w)
	r := c.Ratio
	fmt.Fprintf(w, "real/baseline  throughput %.2f×  p50 %.2f×  p95 %.2f×  p99 %.2f×\n", r.Throughput, r.P50, r.P95, r.P99)
}
