package httpapi

import (
	"io"
	"net"
	"net/http"
	"time"

	"golang.org/x/net/netutil"
)

// Transport bounds what one client can hold of the server: how long a
// request may take to arrive, how long its reply may take to leave, how long
// an idle connection stays open, and how many connections are open at once.
// Without these a client sending one byte every few seconds holds a
// connection, a goroutine and its buffers for ever, and a few thousand such
// clients exhaust the process's file descriptors.
type Transport struct {
	// ReadHeaderTimeout bounds the request line and headers.
	ReadHeaderTimeout time.Duration
	// ReadTimeout bounds the whole request, body included, on ordinary
	// routes. On upload routes it is the allowance before the body's
	// minimum rate counts (see MinUploadRate).
	ReadTimeout time.Duration
	// WriteTimeout bounds the time from the end of the request headers to
	// the end of the reply on ordinary routes; it must cover the slowest
	// handler, a connector call of up to a minute. On upload routes it runs
	// from the read deadline.
	WriteTimeout time.Duration
	// IdleTimeout bounds how long a kept-alive connection waits for its
	// next request.
	IdleTimeout time.Duration
	// MinUploadRate, in bytes per second, is the slowest body an upload
	// route accepts: its read deadline is the request's start plus
	// ReadTimeout plus bytes received / MinUploadRate, moved on as bytes
	// arrive, so a large photo on a slow mobile link completes while a
	// trickle is cut. Replies on those routes (the local bucket's
	// downloads) are paced the same way.
	MinUploadRate int64
	// MaxConns caps the connections open at once; 0 means no cap. Further
	// connections wait in the kernel's accept queue until one closes.
	MaxConns int
}

// DefaultTransport is what `idproof serve` uses unless told otherwise.
var DefaultTransport = Transport{
	ReadHeaderTimeout: 10 * time.Second,
	ReadTimeout:       30 * time.Second,
	WriteTimeout:      2 * time.Minute,
	IdleTimeout:       2 * time.Minute,
	MinUploadRate:     8 << 10, // 64 kbit/s: slower than any mobile link that can send a photo at all
	MaxConns:          4096,
}

// HSTS is sent on every reply served over TLS: browsers then refuse plain
// http to this host for a year, so a session URL cannot be downgraded.
const HSTS = "max-age=31536000"

// HTTPServer returns an http.Server that serves api within t's limits.
// Routes whose body limit is above DefaultMaxBodyBytes (images sent inline,
// liveness frames, the local bucket's presigned uploads) get a read
// deadline that grows with the bytes received instead of the flat
// ReadTimeout: one long global timeout would let every route be trickled.
// Replies over TLS carry Strict-Transport-Security.
func (t Transport) HTTPServer(api *Server) *http.Server {
	upload := api.uploadRoutes()
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.TLS != nil {
			w.Header().Set("Strict-Transport-Security", HSTS)
		}
		if t.MinUploadRate > 0 && upload(r) {
			w, r = t.pace(w, r)
		}
		api.ServeHTTP(w, r)
	})
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: t.ReadHeaderTimeout,
		ReadTimeout:       t.ReadTimeout,
		WriteTimeout:      t.WriteTimeout,
		IdleTimeout:       t.IdleTimeout,
	}
}

// Listener caps ln at MaxConns open connections.
func (t Transport) Listener(ln net.Listener) net.Listener {
	if t.MaxConns <= 0 {
		return ln
	}
	return netutil.LimitListener(ln, t.MaxConns)
}

// uploadRoutes returns a test of whether a request goes to a route whose
// body limit is above DefaultMaxBodyBytes: with a raised --max-body-bytes,
// every route is one. The route is found by a mux of the same patterns,
// since the real one only says which route matched once it serves it.
func (s *Server) uploadRoutes() func(*http.Request) bool {
	m := http.NewServeMux()
	large := map[string]bool{}
	for _, rt := range s.routes() {
		m.Handle(rt.pattern, http.NotFoundHandler())
		limit := s.cfg.MaxBodyBytes
		if rt.maxBody > 0 {
			limit = rt.maxBody
		}
		large[rt.pattern] = limit > DefaultMaxBodyBytes
	}
	return func(r *http.Request) bool {
		if p, ok := trimPathPrefix(r.URL.Path); ok {
			r2 := *r
			u := *r.URL
			u.Path, u.RawPath = p, ""
			r2.URL = &u
			r = &r2
		}
		_, pattern := m.Handler(r)
		return large[pattern]
	}
}

// pace wraps the request body and the reply of an upload route so that each
// read and write moves the connection's deadlines on by what the minimum
// rate allows for the bytes so far.
func (t Transport) pace(w http.ResponseWriter, r *http.Request) (http.ResponseWriter, *http.Request) {
	p := &pacer{t: t, rc: http.NewResponseController(w), start: time.Now()}
	if r.Body != nil && r.Body != http.NoBody {
		r2 := *r
		r2.Body = &pacedBody{ReadCloser: r.Body, p: p}
		r = &r2
	}
	return &pacedWriter{ResponseWriter: w, p: p}, r
}

// pacer holds the deadlines of one request on an upload route. A handler
// reads its body and writes its reply from one goroutine, so it needs no
// lock.
type pacer struct {
	t               Transport
	rc              *http.ResponseController
	start           time.Time
	read, written   int64
	readDL, writeDL time.Time
}

// allowance is how long n bytes may take at the minimum rate (computed in
// whole seconds first: n may be up to the local bucket's terabyte limit).
func (p *pacer) allowance(n int64) time.Duration {
	r := p.t.MinUploadRate
	return time.Duration(n/r)*time.Second + time.Duration(n%r)*time.Second/time.Duration(r)
}

// bodyRead moves the read deadline on after n more bytes of body. It is
// not called once the body has ended: the server then reads the
// connection in the background without a deadline, and one set now would
// cancel the request when it passed. The write deadline follows, so the
// handler still has WriteTimeout after the last byte arrives.
func (p *pacer) bodyRead(n int) {
	p.read += int64(n)
	dl := p.start.Add(p.t.ReadTimeout + p.allowance(p.read))
	if !dl.After(p.readDL) {
		return
	}
	p.readDL = dl
	_ = p.rc.SetReadDeadline(dl)
	p.extendWrite(dl.Add(p.t.WriteTimeout))
}

// replyWrite moves the write deadline on before n more bytes of reply.
func (p *pacer) replyWrite(n int) {
	p.written += int64(n)
	p.extendWrite(p.start.Add(p.t.WriteTimeout + p.allowance(p.written)))
}

func (p *pacer) extendWrite(dl time.Time) {
	if p.t.WriteTimeout <= 0 || !dl.After(p.writeDL) {
		return
	}
	p.writeDL = dl
	_ = p.rc.SetWriteDeadline(dl)
}

type pacedBody struct {
	io.ReadCloser
	p *pacer
}

func (b *pacedBody) Read(buf []byte) (int, error) {
	n, err := b.ReadCloser.Read(buf)
	if n > 0 && err == nil && b.p.t.ReadTimeout > 0 {
		b.p.bodyRead(n)
	}
	return n, err
}

type pacedWriter struct {
	http.ResponseWriter
	p *pacer
}

func (w *pacedWriter) Write(b []byte) (int, error) {
	w.p.replyWrite(len(b))
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the connection.
func (w *pacedWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
