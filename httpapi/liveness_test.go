package httpapi_test

import (
	"context"
	"encoding/base64"
	"testing"
	"time"
)

// TestLivenessChallenge: one challenge per attempt, whatever is asked; the
// burst is taken for it, within its window; a retry brings a new one.
func TestLivenessChallenge(t *testing.T) {
	e := newEnv(t, storeKinds[0].open)
	ctx := context.Background()
	b, id := e.startedSession(t, "sandbox-retry")
	var first, again map[string]any
	frame := base64.StdEncoding.EncodeToString(jpegBytes(t, 320, 240))
	frames := func(n int) map[string]any {
		list := make([]string, n)
		for i := range list {
			list[i] = frame
		}
		return map[string]any{"frames": list}
	}
	err := b.Do(ctx, "POST", "/proofingsession/"+id+"/liveness/frames", frames(4), nil)
	wantAPIError(t, err, 400, "ask for the liveness challenge first")
	if err := b.Do(ctx, "GET", "/proofingsession/"+id+"/liveness/challenge", nil, &first); err != nil {
		t.Fatal(err)
	}
	if d := first["direction"]; d != "turn_left" && d != "turn_right" {
		t.Fatalf("challenge %v", first)
	}
	for range 5 {
		if err := b.Do(ctx, "GET", "/proofingsession/"+id+"/liveness/challenge", nil, &again); err != nil || again["direction"] != first["direction"] {
			t.Fatalf("a second request changed the challenge: %v %v", again, err)
		}
	}
	wantAPIError(t, b.Do(ctx, "POST", "/proofingsession/"+id+"/liveness/frames", frames(2), nil), 400, "3 to 12 images")
	wantAPIError(t, b.Do(ctx, "POST", "/proofingsession/"+id+"/liveness/frames", frames(13), nil), 400, "at most 12")
	wantAPIError(t, b.Do(ctx, "POST", "/proofingsession/"+id+"/liveness/frames", map[string]any{"frames": []string{"x", "y", "z"}}, nil), 400, "frames[0]")
	var got map[string]any
	if err := b.Do(ctx, "POST", "/proofingsession/"+id+"/liveness/frames", frames(4), &got); err != nil || got["received"] != float64(4) {
		t.Fatalf("frames: %v %v", got, err)
	}
	// Another key cannot take or answer the session's challenge.
	wantAPIError(t, e.client(t, "").Do(ctx, "GET", "/proofingsession/"+id+"/liveness/challenge", nil, nil), 403, "bound")

	// The attempt fails (sandbox-retry); a retry asks for a new movement.
	if err := b.Do(ctx, "POST", "/proofingsession/"+id+"/v2/submit/document", map[string]any{
		"document_front": map[string]any{"images": map[string]string{"image": base64.StdEncoding.EncodeToString(pngBytes(t, 640, 400))}}}, nil); err != nil {
		t.Fatal(err)
	}
	wantAPIError(t, b.Do(ctx, "POST", "/proofingsession/"+id+"/liveness/frames", frames(4), nil), 400, "already verified")
	if _, err := b.SessionCall(ctx, id, "retry"); err != nil {
		t.Fatal(err)
	}
	var second map[string]any
	if err := b.Do(ctx, "GET", "/proofingsession/"+id+"/liveness/challenge", nil, &second); err != nil || second["attempt"] != float64(2) || second["received"] != float64(0) {
		t.Fatalf("after retry: %v %v", second, err)
	}
	// Frames sent long after the challenge are refused.
	e.clock.Advance(4 * time.Minute)
	wantAPIError(t, b.Do(ctx, "POST", "/proofingsession/"+id+"/liveness/frames", frames(4), nil), 400, "older than")
}
