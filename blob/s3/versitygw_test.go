package s3_test

import (
	"os"
	"sync"
	"testing"

	idps3 "github.com/idproof/idproof/blob/s3"
	"github.com/idproof/idproof/internal/testservers"
)

// The tests run against versitygw, an S3 gateway that checks SigV4
// signatures. One gateway serves the whole package; TestMain stops it.
var gw struct {
	once sync.Once
	srv  *testservers.S3Server
	err  error
}

func TestMain(m *testing.M) {
	code := m.Run()
	if gw.srv != nil {
		gw.srv.Stop()
	}
	os.Exit(code)
}

// gateway is the package's running gateway, started on first use; without
// the binary the test skips (fails under CI=true).
type gateway struct{ *testservers.S3Server }

func needGateway(t *testing.T) gateway {
	t.Helper()
	gw.once.Do(func() { gw.srv, gw.err = testservers.StartVersityGW() })
	if gw.err != nil {
		testservers.Require(t, "versitygw", testservers.VersityGWInstall, gw.err)
	}
	return gateway{gw.srv}
}

func (g gateway) newBucket(t *testing.T) string { return g.NewBucket(t) }

// config returns a Config for bucket on the gateway.
func (g gateway) config(bucket string) idps3.Config {
	return idps3.Config{Bucket: bucket, Region: g.Region, AccessKey: g.AccessKey, SecretKey: g.SecretKey, Endpoint: g.Endpoint}
}
