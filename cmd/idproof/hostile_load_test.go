package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/idproof/idproof/client"
)

// TestHostileLoad runs every kind of abuse the server bounds at once,
// against the real server as a process with its default limits applied
// to loopback too, while a well-behaved relying party keeps working:
//
//   - 16 bodies of 60 MiB from the holder of a started session;
//   - 200 slow clients, half trickling their headers, half their bodies;
//   - 500 requests with a wrong license from one key.
//
// Each attacker and the relying party dial from their own loopback
// address (all of 127.0.0.0/8 is loopback on Linux), so per-address
// limits apply to each as they would to distinct hosts. The test asserts
// what must hold (the server's peak RSS under 300 MiB, the credential
// flood answered 429, not one request of the relying party refused) and
// logs the figures docs/security.md reports; the latency figures are
// measured, not asserted.
func TestHostileLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the server")
	}
	bin := buildBinary(t)
	pid, base, data := startSQLiteProcess(t, bin, "--limit-loopback")
	creds, err := readCredentials(filepath.Join(data, credentialsFile))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()

	good := fromAddr(t, base, "127.0.0.2", client.WithLicense(creds.Licenses.Service))
	rp := &relyingParty{c: good, tenant: creds.TenantID, community: creds.CommunityID, dvc: creds.DVCID}
	alone := rp.work(ctx, t, 40)

	// The session whose holder floods it with bodies.
	created, err := good.CreateSession(ctx, client.CreateSessionRequest{DVCID: creds.DVCID,
		SessionRequest: client.SessionRequest{TenantID: creds.TenantID, CommunityID: creds.CommunityID, DocumentType: "ppt_object"}})
	if err != nil {
		t.Fatal(err)
	}
	holder := fromAddr(t, base, "127.0.0.5")
	if err := holder.Do(ctx, http.MethodGet, "/proofingsession/"+created.SessionID+"/start", nil, nil); err != nil {
		t.Fatal(err)
	}

	slow := startSlowClients(ctx, t, base, "127.0.0.3", 200, created.SessionID)
	var attacks sync.WaitGroup
	bodies := make([]string, 16)
	for i := range bodies {
		attacks.Go(func() {
			bodies[i] = postHostile(ctx, t, holder, base+"/proofingsession/"+created.SessionID+"/v2/submit/document")
		})
	}
	flood := map[int]int{}
	attacks.Go(func() {
		guesser := fromAddr(t, base, "127.0.0.4", client.WithLicense("not-a-license-of-this-server"))
		for range 500 {
			_, err := guesser.Info(ctx)
			var ae *client.Error
			switch {
			case errors.As(err, &ae):
				flood[ae.StatusCode]++
			case err == nil:
				flood[200]++
			default:
				flood[0]++
			}
		}
	})
	// The relying party works while the attacks run, and a little after.
	under := rp.work(ctx, t, 150)
	attacks.Wait()
	held := slow.open()
	slow.stop()
	hwm := vmHWM(t, pid)

	t.Logf("relying party alone: %s", alone)
	t.Logf("relying party under attack: %s", under)
	t.Logf("16 × 60 MiB bodies: %v; server peak RSS %d MiB", bodies, hwm>>20)
	t.Logf("credential flood, 500 requests: %v", flood)
	t.Logf("slow clients: %d opened, %d still connected at the end of the attacks", slow.opened.Load(), held)
	if hwm > maxHostileRSS {
		t.Errorf("server peak RSS %d MiB; want under %d MiB", hwm>>20, maxHostileRSS>>20)
	}
	if flood[429] < 400 || flood[200] > 0 {
		t.Errorf("credential flood answered %v; want 429 for nearly all and no success", flood)
	}
	if alone.refused+under.refused > 0 {
		t.Errorf("the relying party had %d requests refused", alone.refused+under.refused)
	}
	if under.done == 0 {
		t.Error("the relying party was not served under attack")
	}
}

// fromAddr is a client whose connections leave from the loopback address
// local.
func fromAddr(t *testing.T, base, local string, opts ...client.Option) *client.Client {
	t.Helper()
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(local)}, Timeout: 10 * time.Second}
	hc := &http.Client{Timeout: 60 * time.Second, Transport: &http.Transport{DialContext: d.DialContext, MaxIdleConnsPerHost: 4}}
	c, err := client.New(base, append(opts, client.WithHTTPClient(hc))...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// relyingParty creates sessions and reads them back, one request at a
// time, at about 20 requests a second: well within every limit.
type relyingParty struct {
	c                      *client.Client
	tenant, community, dvc string
}

type workFigures struct {
	done, refused int
	latencies     []time.Duration
}

func (f workFigures) String() string {
	if len(f.latencies) == 0 {
		return fmt.Sprintf("%d served, %d refused", f.done, f.refused)
	}
	l := slices.Clone(f.latencies)
	slices.Sort(l)
	q := func(p float64) time.Duration { return l[int(p*float64(len(l)-1))] }
	return fmt.Sprintf("%d served, %d refused; latency p50 %v, p95 %v, max %v", f.done, f.refused,
		q(0.5).Round(100*time.Microsecond), q(0.95).Round(100*time.Microsecond), l[len(l)-1].Round(100*time.Microsecond))
}

func (rp *relyingParty) work(ctx context.Context, t *testing.T, n int) workFigures {
	var f workFigures
	var last string
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for i := range n {
		<-tick.C
		start := time.Now()
		var err error
		if i%2 == 0 || last == "" {
			var out *client.CreatedSession
			out, err = rp.c.CreateSession(ctx, client.CreateSessionRequest{DVCID: rp.dvc,
				SessionRequest: client.SessionRequest{TenantID: rp.tenant, CommunityID: rp.community, DocumentType: "ppt_object",
					User: &client.SessionUser{UID: "rp-" + strconv.Itoa(i)}}})
			if err == nil {
				last = out.SessionID
			}
		} else {
			_, err = rp.c.SessionResult(ctx, client.ResultRequest{SessionID: last}, false)
		}
		if err != nil {
			f.refused++
			t.Logf("relying party request %d: %v", i, err)
			continue
		}
		f.done++
		f.latencies = append(f.latencies, time.Since(start))
	}
	return f
}

// slowClients hold connections open, sending a byte every second: half
// never finish their headers, half declare a body and trickle it.
type slowClients struct {
	opened atomic.Int64
	mu     sync.Mutex
	conns  []net.Conn
	wg     sync.WaitGroup
	cancel context.CancelFunc
}

func startSlowClients(ctx context.Context, t *testing.T, base, local string, n int, session string) *slowClients {
	ctx, cancel := context.WithCancel(ctx)
	s := &slowClients{cancel: cancel}
	host := base[len("http://"):]
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(local)}, Timeout: 5 * time.Second}
	for i := range n {
		s.wg.Go(func() {
			conn, err := d.DialContext(ctx, "tcp", host)
			if err != nil {
				return
			}
			s.opened.Add(1)
			s.mu.Lock()
			s.conns = append(s.conns, conn)
			s.mu.Unlock()
			defer conn.Close()
			head := "GET /healthz HTTP/1.1\r\nHost: " + host + "\r\nX-Slow: "
			if i%2 == 1 {
				head = "POST /proofingsession/" + session + "/v3/submit/document HTTP/1.1\r\nHost: " + host +
					"\r\nContent-Type: application/json\r\nContent-Length: 1000000\r\n\r\n{"
			}
			if _, err := conn.Write([]byte(head)); err != nil {
				return
			}
			tick := time.NewTicker(time.Second)
			defer tick.Stop()
			for {
				select {
				case <-ctx.Done():
					return
				case <-tick.C:
					if _, err := conn.Write([]byte("a")); err != nil {
						return // the server closed it
					}
				}
			}
		})
	}
	return s
}

// open counts the connections the server has not closed yet.
func (s *slowClients) open() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, c := range s.conns {
		_ = c.SetReadDeadline(time.Now().Add(10 * time.Millisecond))
		var b [1]byte
		_, err := c.Read(b[:])
		var ne net.Error
		if errors.As(err, &ne) && ne.Timeout() {
			n++
		}
	}
	return n
}

func (s *slowClients) stop() {
	s.cancel()
	s.wg.Wait()
}
