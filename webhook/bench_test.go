package webhook_test

import (
	"testing"

	"github.com/idproof/idproof"
	"github.com/idproof/idproof/postgres"
)

// BenchmarkDispatch measures delivery from the outbox to a receiver on
// loopback that checks every signature: fan-out, claim, signing, the POST
// and the attempt's record, 100 events a pass, on each store. It reports
// deliveries per second; the receiver's work is in the figure.
func BenchmarkDispatch(b *testing.B) {
	b.Run("sqlite", func(b *testing.B) { benchDispatch(b, newEnv(b)) })
	b.Run("postgres", func(b *testing.B) { benchDispatch(b, newEnvOn(b, postgres.OpenTest(b))) })
}

func benchDispatch(b *testing.B, e *env) {
	r := e.receiver()
	e.endpoint(r)
	const batch = 100
	types := make([]string, batch)
	for i := range types {
		types[i] = idproof.EventSessionCompleted
	}
	delivered := 0
	for b.Loop() {
		b.StopTimer()
		e.emit(types...)
		b.StartTimer()
		for n := 0; n < batch; {
			res, err := e.d.RunOnce(b.Context())
			if err != nil {
				b.Fatal(err)
			}
			n += res.Delivered
			if res.Delivered == 0 && res.Claimed == 0 && res.FannedOut == 0 {
				b.Fatalf("nothing to do with %d of %d delivered", n, batch)
			}
		}
		delivered += batch
	}
	b.ReportMetric(float64(delivered)/b.Elapsed().Seconds(), "deliveries/s")
}
