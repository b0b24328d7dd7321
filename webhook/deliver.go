package webhook

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/idproof/idproof"
)

// Headers of a delivery besides SignatureHeader.
const (
	HeaderEventID   = "Idproof-Event-Id"
	HeaderEventType = "Idproof-Event-Type"
	HeaderDelivery  = "Idproof-Delivery-Id"
	HeaderAttempt   = "Idproof-Delivery-Attempt"
	// UserAgent names the sender, for receivers' logs and firewalls.
	UserAgent = "idproof-webhooks"
)

// maxAnswer is how much of a receiver's answer is read: enough for an
// error message, not enough to tie up the dispatcher.
const maxAnswer = 64 << 10

// maxError bounds LastError and the log's errors.
const maxError = 200

// deliver makes one attempt of dl and records it. It returns the status
// the delivery was left in, or "" when nothing was recorded (the store
// failed or the dispatcher is stopping): the delivery is then due again
// when its lease ends.
func (d *Dispatcher) deliver(ctx context.Context, dl *idproof.WebhookDelivery) string {
	ev, err := d.Store.WebhookEvent(ctx, dl.EventID)
	if idproof.IsNotFound(err) {
		return d.giveUp(ctx, dl, "the event no longer exists")
	}
	if err != nil {
		d.Log.Warn("webhook delivery: load event", "delivery", dl.ID, "err", err)
		return ""
	}
	ep, err := d.Store.WebhookEndpoint(ctx, dl.EndpointID)
	switch {
	case idproof.IsNotFound(err):
		return d.giveUp(ctx, dl, "the endpoint was deleted")
	case err != nil:
		d.Log.Warn("webhook delivery: load endpoint", "delivery", dl.ID, "err", err)
		return ""
	case ep.Disabled:
		return d.giveUp(ctx, dl, "the endpoint is disabled")
	case !ep.Wants(ev.Type):
		return d.giveUp(ctx, dl, "the endpoint no longer subscribes to "+ev.Type)
	}
	at := d.now()
	secret, err := d.Open(ep.SecretSealed)
	if err != nil || len(secret) == 0 {
		// The master key changed under the endpoint: the operator can
		// fix that, so the delivery is retried like any failure.
		d.Log.Error("webhook delivery: the endpoint's signing secret does not open", "endpoint", ep.ID, "err", err)
		return d.record(ctx, dl, at, 0, "the signing secret cannot be opened", 0)
	}
	start := time.Now() // a duration, not a point in time: the wall clock's monotonic reading
	code, errText := d.post(ctx, dl, ev, ep.URL, string(secret))
	took := time.Since(start)
	if ctx.Err() != nil && code == 0 {
		return "" // stopping: the failure may be ours
	}
	return d.record(ctx, dl, at, code, errText, took)
}

// post sends the event and returns the answer's status (0: none) and, for
// anything but 2xx, a short description of what went wrong.
func (d *Dispatcher) post(ctx context.Context, dl *idproof.WebhookDelivery, ev *idproof.WebhookEvent, target, secret string) (int, string) {
	ctx, cancel := context.WithTimeout(ctx, d.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, target, bytes.NewReader(ev.Payload))
	if err != nil {
		return 0, "the endpoint URL is not valid"
	}
	h := req.Header
	h.Set("Content-Type", "application/json")
	h.Set("User-Agent", UserAgent)
	h.Set(HeaderEventID, ev.ID)
	h.Set(HeaderEventType, ev.Type)
	h.Set(HeaderDelivery, dl.ID)
	h.Set(HeaderAttempt, strconv.Itoa(dl.Attempts+1))
	// Signed now, not when the event was written: a retry days later
	// must still pass the receiver's tolerance.
	h.Set(SignatureHeader, Sign(secret, d.Clock.Now(), ev.Payload))
	resp, err := d.client.Do(req)
	if err != nil {
		return 0, d.describe(err)
	}
	answer, _ := io.ReadAll(io.LimitReader(resp.Body, maxAnswer))
	resp.Body.Close()
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		return resp.StatusCode, ""
	}
	msg := "HTTP " + strconv.Itoa(resp.StatusCode)
	if a := strings.TrimSpace(string(answer)); a != "" {
		msg += ": " + a
	}
	return resp.StatusCode, msg
}

// describe says why a request got no answer, without repeating the URL.
func (d *Dispatcher) describe(err error) string {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	var ne net.Error
	if errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout()) {
		return fmt.Sprintf("no answer within %s", d.Timeout)
	}
	return err.Error()
}

// record saves an attempt: DELIVERED for a 2xx, otherwise PENDING at the
// policy's next time, or FAILED past the retry window.
func (d *Dispatcher) record(ctx context.Context, dl *idproof.WebhookDelivery, at time.Time, code int, errText string, took time.Duration) string {
	dl.Attempts++
	dl.LastAttemptAt, dl.LastStatusCode, dl.LastError = at, code, short(errText)
	if errText == "" {
		dl.Status, dl.NextAt, dl.DeliveredAt = idproof.DeliveryDelivered, time.Time{}, at
	} else if next, ok := d.Policy.Next(dl.Attempts, d.now(), dl.RetryFrom); ok {
		dl.Status, dl.NextAt = idproof.DeliveryPending, next.Truncate(time.Millisecond)
	} else {
		dl.Status, dl.NextAt = idproof.DeliveryFailed, time.Time{}
	}
	a := &idproof.WebhookAttempt{DeliveryID: dl.ID, N: dl.Attempts, At: at, StatusCode: code, Error: dl.LastError, Duration: took}
	// A delivered answer is saved even while stopping, or it would be sent
	// again.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if err := d.Store.RecordWebhookAttempt(ctx, dl, a); err != nil {
		d.Log.Warn("webhook delivery: record attempt", "delivery", dl.ID, "err", err)
		return ""
	}
	if dl.Status != idproof.DeliveryDelivered {
		d.Log.Info("webhook delivery failed", "delivery", dl.ID, "attempt", dl.Attempts, "status", dl.Status, "err", dl.LastError)
	}
	return dl.Status
}

// giveUp fails the delivery at once: retrying cannot help.
func (d *Dispatcher) giveUp(ctx context.Context, dl *idproof.WebhookDelivery, why string) string {
	dl.Attempts++
	now := d.now()
	dl.Status, dl.NextAt, dl.LastAttemptAt, dl.LastStatusCode, dl.LastError = idproof.DeliveryFailed, time.Time{}, now, 0, why
	a := &idproof.WebhookAttempt{DeliveryID: dl.ID, N: dl.Attempts, At: now, Error: why}
	if err := d.Store.RecordWebhookAttempt(ctx, dl, a); err != nil {
		d.Log.Warn("webhook delivery: record attempt", "delivery", dl.ID, "err", err)
		return ""
	}
	return dl.Status
}

// short makes s fit a log line: valid UTF-8, no control characters, at
// most maxError bytes.
func short(s string) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, strings.ToValidUTF8(s, "?"))
	if len(s) <= maxError {
		return s
	}
	cut := maxError - len("…")
	for cut > 0 && !utf8Start(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

func utf8Start(b byte) bool { return b&0xC0 != 0x80 }
