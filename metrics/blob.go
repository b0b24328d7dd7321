package metrics

import (
	"time"

	"github.com/idproof/idproof"
	"github.com/idproof/idproof/blob"
)

// Blob is the blob.Observer that counts and times bucket operations by
// backend (aws, gcp, azure, local) and operation.
type Blob struct{}

var _ blob.Observer = Blob{}

// BlobOp counts an operation, and an error unless the error is a missing
// object: reading one that was never uploaded is an answer the callers
// handle, not a fault of the bucket.
func (Blob) BlobOp(backend, op string, d time.Duration, err error) {
	l := `{backend=` + label(backend) + `,op=` + label(op) + `}`
	set.GetOrCreateCounter(`idproof_blob_operations_total` + l).Inc()
	set.GetOrCreatePrometheusHistogramExt(`idproof_blob_operation_duration_seconds`+l, remoteBuckets).Update(d.Seconds())
	errs := set.GetOrCreateCounter(`idproof_blob_errors_total` + l) // a series at zero
	if err != nil && !idproof.IsNotFound(err) {
		errs.Inc()
	}
}
