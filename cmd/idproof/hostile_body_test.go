package main

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/idproof/idproof/client"
)

// hostileBodyBytes is the size of each hostile body: just under the limit
// of the routes that take images inline.
const hostileBodyBytes = 60 << 20

// maxHostileRSS is the peak resident memory the server may reach while it
// is sent 16 hostile bodies at once.
const maxHostileRSS = 300 << 20

// TestHostileBodies starts the real server as a process and sends it 16
// bodies of 60 MiB at once. Its peak RSS (VmHWM) must stay under
// maxHostileRSS whoever sends them: strangers with key pairs of their own
// making, to sessions they have no right to and to the public
// ecdsa_helper, are refused before their bodies are read; the holder of a
// session has its bodies read a few at a time and decoded without copies.
func TestHostileBodies(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the server")
	}
	bin := buildBinary(t)
	t.Run("strangers", func(t *testing.T) {
		pid, base, _ := startSQLiteProcess(t, bin)
		paths := []string{"/v2/submit/document", "/v3/submit/document", "/submit/verification/document_liveness_front", "/liveness/frames"}
		hostileFlood(t, pid, func(ctx context.Context, i int) string {
			c, err := client.New(base)
			if err != nil {
				t.Error(err)
				return ""
			}
			path := "/ecdsa_helper/encrypt"
			if i < 12 {
				path = "/proofingsession/" + randomUUID() + paths[i%len(paths)]
			}
			return postHostile(ctx, t, c, base+path)
		})
	})
	t.Run("session holder", func(t *testing.T) {
		pid, base, data := startSQLiteProcess(t, bin)
		ctx := context.Background()
		var out strings.Builder
		if err := run(ctx, []string{"session", "create", "--url", base, "--data", data}, &out, io.Discard); err != nil {
			t.Fatal(err)
		}
		var created struct{ SessionID string }
		if err := json.Unmarshal([]byte(out.String()), &created); err != nil {
			t.Fatalf("session create printed %q: %v", out.String(), err)
		}
		holder, err := client.New(base)
		if err != nil {
			t.Fatal(err)
		}
		if err := holder.Do(ctx, http.MethodGet, "/proofingsession/"+created.SessionID+"/start", nil, nil); err != nil {
			t.Fatal(err)
		}
		hostileFlood(t, pid, func(ctx context.Context, i int) string {
			return postHostile(ctx, t, holder, base+"/proofingsession/"+created.SessionID+"/v2/submit/document")
		})
	})
}

// hostileFlood runs 16 posts at once and checks the server's peak RSS.
func hostileFlood(t *testing.T, pid int, post func(ctx context.Context, i int) string) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	var wg sync.WaitGroup
	statuses := make([]string, 16)
	for i := range statuses {
		wg.Go(func() { statuses[i] = post(ctx, i) })
	}
	wg.Wait()
	hwm := vmHWM(t, pid)
	t.Logf("statuses %v; server peak RSS %d MiB", statuses, hwm>>20)
	if hwm > maxHostileRSS {
		t.Errorf("server peak RSS is %d MiB under 16 hostile %d MiB bodies; want under %d MiB", hwm>>20, hostileBodyBytes>>20, maxHostileRSS>>20)
	}
}

// postHostile sends one large body under fresh credentials and reports
// the status, or the error when the server closed the connection first.
func postHostile(ctx context.Context, t *testing.T, c *client.Client, url string) string {
	h, err := c.Headers(ctx)
	if err != nil {
		t.Error(err)
		return ""
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, hostileBody())
	if err != nil {
		t.Error(err)
		return ""
	}
	req.Header = h
	req.Header.Set("Content-Type", "application/json")
	req.ContentLength = hostileBodyBytes
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		return "conn closed"
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	return strconv.Itoa(resp.StatusCode)
}

// hostileBody is a submission whose one image fills the body: valid JSON
// of exactly hostileBodyBytes, made as it is sent.
func hostileBody() io.Reader {
	head := `{"dataStr":"x","document_front":{"images":{"image":"`
	tail := `"}},"frames":[]}`
	fill := io.LimitReader(repeatReader('A'), int64(hostileBodyBytes-len(head)-len(tail)))
	return io.MultiReader(strings.NewReader(head), fill, strings.NewReader(tail))
}

type repeatReader byte

func (b repeatReader) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = byte(b)
	}
	return len(p), nil
}

func randomUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6], b[8] = b[6]&0x0f|0x40, b[8]&0x3f|0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}

// startSQLiteProcess runs serve as a process on an empty data directory
// and returns its pid, URL and data directory.
func startSQLiteProcess(t *testing.T, bin string, flags ...string) (pid int, base, data string) {
	t.Helper()
	data = t.TempDir()
	pid, base = startServeProcess(t, bin, []string{"IDPROOF_DATABASE_URL=", "IDPROOF_MASTER_KEY="}, append([]string{"--data", data}, flags...)...)
	return pid, base, data
}

// vmHWM reads the peak resident set size of a process, in bytes.
func vmHWM(t *testing.T, pid int) int64 {
	t.Helper()
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("no /proc to read the server's peak memory from: %v", err)
		}
		t.Skipf("no /proc: %v", err)
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		if v, ok := strings.CutPrefix(s.Text(), "VmHWM:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			if err != nil {
				t.Fatal(err)
			}
			return kb << 10
		}
	}
	t.Fatal("VmHWM not found")
	return 0
}
