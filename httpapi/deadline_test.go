package httpapi_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/idproof/idproof/admin"
	"github.com/idproof/idproof/httpapi"
	"github.com/idproof/idproof/secret"
	"github.com/idproof/idproof/sqlite"
	"github.com/idproof/idproof/wire"
)

// transportServer runs the API on a loopback listener under tr, as serve
// does. The local bucket is a stand-in that reads the whole body and says
// how many bytes came, so uploads can be timed without signatures.
func transportServer(t *testing.T, tr httpapi.Transport) (addr string, srv *http.Server) {
	t.Helper()
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "idproof.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	kr, _ := secret.New(make([]byte, 32))
	priv, err := admin.ServerKey(ctx, st, kr)
	if err != nil {
		t.Fatal(err)
	}
	blob := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n, err := io.Copy(io.Discard, r.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		fmt.Fprintf(w, "%d", n)
	})
	api := httpapi.New(httpapi.Config{PublicURL: "http://idproof.test", ECDSAHelper: true},
		httpapi.Deps{Store: st, Keys: wire.NewServer(priv, 0), LocalBlob: blob})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv = tr.HTTPServer(api)
	go srv.Serve(tr.Listener(ln))
	t.Cleanup(func() { srv.Close() })
	return ln.Addr().String(), srv
}

// testTransport has short timeouts, so that a test sees them pass.
var testTransport = httpapi.Transport{
	ReadHeaderTimeout: time.Second, ReadTimeout: 2 * time.Second, WriteTimeout: 5 * time.Second,
	IdleTimeout: 5 * time.Second, MinUploadRate: 8 << 10,
}

// healthz makes one request on a new connection and returns its latency.
func healthz(addr string) (time.Duration, error) {
	c := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}, Timeout: 15 * time.Second}
	start := time.Now()
	resp, err := c.Get("http://" + addr + "/healthz")
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	io.Copy(io.Discard, resp.Body)
	if resp.StatusCode != http.StatusOK {
		return 0, fmt.Errorf("status %d", resp.StatusCode)
	}
	return time.Since(start), nil
}

func median(d []time.Duration) time.Duration {
	s := slices.Clone(d)
	slices.Sort(s)
	return s[len(s)/2]
}

// slowClient opens a connection, writes head, then trickles one byte of
// filler every interval, and reports how long the server kept the
// connection open (false if it was still open at give-up).
func slowClient(addr, head string, interval, giveUp time.Duration) (time.Duration, bool, error) {
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		return 0, false, err
	}
	defer conn.Close()
	start := time.Now()
	if _, err := io.WriteString(conn, head); err != nil {
		return 0, false, err
	}
	closed := make(chan struct{})
	go func() {
		// Whatever the server answers, the connection ends when it closes.
		io.Copy(io.Discard, conn)
		close(closed)
	}()
	conn.SetReadDeadline(start.Add(giveUp))
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for {
		select {
		case <-closed:
			d := time.Since(start)
			return d, d < giveUp, nil
		case <-tick.C:
			conn.Write([]byte("a")) // fails once the server is gone; the reader sees it
		}
	}
}

// TestSlowClientsDoNotStarveOthers: 200 connections trickling their
// headers or bodies one byte every 300 ms are closed by the server after
// its timeouts, while a normal client is served all along.
func TestSlowClientsDoNotStarveOthers(t *testing.T) {
	addr, _ := transportServer(t, testTransport)
	measure := func(n int) []time.Duration {
		var d []time.Duration
		for range n {
			l, err := healthz(addr)
			if err != nil {
				t.Fatalf("normal client refused: %v", err)
			}
			d = append(d, l)
		}
		return d
	}
	quiet := measure(30)

	heads := map[string]string{
		// the headers never end
		"header": "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ",
		// an ordinary route's body (the API's flat read timeout)
		"body": "POST /ecdsa_helper/encrypt HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 60000\r\n\r\n",
		// an upload route's body, far below the minimum rate
		"upload": "PUT /blob/uploads/s/front.jpg HTTP/1.1\r\nHost: x\r\nContent-Type: image/jpeg\r\nContent-Length: 5000000\r\n\r\n",
	}
	kinds := []string{"header", "header", "body", "upload"} // 100 header, 50 body, 50 upload
	type result struct {
		kind   string
		open   time.Duration
		closed bool
		err    error
	}
	results := make(chan result, 200)
	for i := range 200 {
		k := kinds[i%len(kinds)]
		go func() {
			d, closed, err := slowClient(addr, heads[k], 300*time.Millisecond, 12*time.Second)
			results <- result{k, d, closed, err}
		}()
	}
	time.Sleep(300 * time.Millisecond) // let them connect
	busy := measure(30)

	longest := map[string]time.Duration{}
	for range 200 {
		r := <-results
		if r.err != nil {
			t.Fatalf("slow %s client: %v", r.kind, r.err)
		}
		if !r.closed {
			t.Fatalf("a slow %s client was still connected after %v", r.kind, r.open)
		}
		longest[r.kind] = max(longest[r.kind], r.open)
	}
	t.Logf("normal client median latency: %v alone, %v beside 200 slow clients", median(quiet), median(busy))
	t.Logf("slow clients closed by the server after at most: headers %v, ordinary bodies %v, uploads %v",
		longest["header"].Round(time.Millisecond), longest["body"].Round(time.Millisecond), longest["upload"].Round(time.Millisecond))
	// Functional, with room: the server, not the test, ended them, each
	// after its own timeout had passed.
	if longest["header"] < testTransport.ReadHeaderTimeout || longest["body"] < testTransport.ReadTimeout {
		t.Fatalf("closed before the timeouts: %v", longest)
	}
}

// sendPaced sends a request with a body of n bytes in 1 KB pieces at rate
// bytes per second, and returns the status line of the reply ("" if the
// server closed the connection without one) and the reply body.
func sendPaced(t *testing.T, addr, method, path string, n, rate int) (status, body string) {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(15 * time.Second))
	fmt.Fprintf(conn, "%s %s HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: %d\r\nConnection: close\r\n\r\n", method, path, n)
	piece := strings.Repeat(" ", 1024)
	for sent := 0; sent < n; sent += len(piece) {
		if _, err := io.WriteString(conn, piece[:min(len(piece), n-sent)]); err != nil {
			break // the server gave up on the body
		}
		time.Sleep(time.Second * time.Duration(len(piece)) / time.Duration(rate))
	}
	br := bufio.NewReader(conn)
	status, _ = br.ReadString('\n')
	rest, _ := io.ReadAll(br)
	if i := strings.Index(string(rest), "\r\n\r\n"); i >= 0 {
		body = string(rest[i+4:])
	}
	return strings.TrimSpace(status), body
}

// TestUploadDeadlineFollowsTheBody: a body that keeps the minimum rate may
// take longer than the read timeout on an upload route, and only there.
func TestUploadDeadlineFollowsTheBody(t *testing.T) {
	tr := testTransport
	tr.ReadTimeout = time.Second
	addr, _ := transportServer(t, tr)
	const n, rate = 24 << 10, 16 << 10 // 1.5 s, past the read timeout, at twice the minimum rate

	for _, path := range []string{"/blob/uploads/s/front.jpg", "/idproofingapi/blob/uploads/s/back.jpg"} {
		status, body := sendPaced(t, addr, "PUT", path, n, rate)
		if !strings.Contains(status, " 200 ") || body != fmt.Sprint(n) {
			t.Fatalf("upload to %s at %d B/s: %q %q", path, rate, status, body)
		}
	}
	// The same body to an ordinary route is cut at the read timeout.
	start := time.Now()
	status, _ := sendPaced(t, addr, "POST", "/ecdsa_helper/encrypt", n, rate)
	if strings.Contains(status, " 200 ") || time.Since(start) > 10*time.Second {
		t.Fatalf("ordinary route took a slow body: %q after %v", status, time.Since(start))
	}
	// And an upload below the minimum rate is cut too.
	status, _ = sendPaced(t, addr, "PUT", "/blob/uploads/s/selfie.jpg", 8<<10, 2<<10)
	if strings.Contains(status, " 200 ") {
		t.Fatalf("upload below the minimum rate taken: %q", status)
	}
}

// TestConnectionCap: past MaxConns, connections wait to be accepted rather
// than each taking a goroutine and a descriptor; the waiting one is served
// once the timeouts free a place.
func TestConnectionCap(t *testing.T) {
	tr := testTransport
	tr.MaxConns = 4
	addr, srv := transportServer(t, tr)
	var open, most atomic.Int64
	var mu sync.Mutex
	srv.ConnState = func(_ net.Conn, s http.ConnState) {
		mu.Lock()
		defer mu.Unlock()
		switch s {
		case http.StateNew:
			most.Store(max(most.Load(), open.Add(1)))
		case http.StateClosed, http.StateHijacked:
			open.Add(-1)
		}
	}
	done := make(chan error, 4)
	for range 4 {
		go func() {
			_, closed, err := slowClient(addr, "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ", 300*time.Millisecond, 10*time.Second)
			if err == nil && !closed {
				err = fmt.Errorf("slow client not closed")
			}
			done <- err
		}()
	}
	time.Sleep(200 * time.Millisecond)
	if _, err := healthz(addr); err != nil {
		t.Fatalf("client past the cap not served: %v", err)
	}
	for range 4 {
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
	if most.Load() > 4 {
		t.Fatalf("%d connections open at once, cap 4", most.Load())
	}
}

// Replies over plain http carry no HSTS (a browser ignores it there, and a
// proxy in front decides); every API reply is no-store.
func TestTransportHeaders(t *testing.T) {
	addr, _ := transportServer(t, testTransport)
	resp, err := http.Get("http://" + addr + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.Header.Get("Strict-Transport-Security") != "" || resp.Header.Get("Cache-Control") != "no-store" {
		t.Fatalf("headers %v", resp.Header)
	}
}
