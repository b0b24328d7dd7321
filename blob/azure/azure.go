// Package azure keeps session images in an Azure Blob Storage container.
//
// The store authenticates with the storage account's shared key and hands
// out blob-level service SAS URLs: a PUT URL carries the create and write
// permissions (sp=cw), a GET URL only read (sp=r), so a URL cannot be used
// with a method it was not issued for, nor for any other blob.
//
// Azure's Put Blob operation needs the header
//
//	x-ms-blob-type: BlockBlob
//
// on every upload, so whoever PUTs to a URL from [Store.PresignPut] (the
// capture page) must send it; [PutHeaders] returns the headers to send. The
// blob's content type is taken from the upload's Content-Type header: a
// service SAS cannot bind it, so it is the uploader's to send.
package azure

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/streaming"
	"github.com/Azure/azure-sdk-for-go/sdk/storage/azblob/blob"
	"github.com/Azure/azure-sdk-for-go/sdk/storage/azblob/bloberror"
	"github.com/Azure/azure-sdk-for-go/sdk/storage/azblob/blockblob"
	"github.com/Azure/azure-sdk-for-go/sdk/storage/azblob/container"
	"github.com/Azure/azure-sdk-for-go/sdk/storage/azblob/sas"

	"github.com/idproof/idproof"
)

// Config locates a container and the account key that signs for it.
type Config struct {
	// AccountName and AccountKey (base64, as the portal shows it) are the
	// storage account's shared key credential.
	AccountName string
	AccountKey  string
	// Container is the blob container (the bucket's bucketName).
	Container string
	// Endpoint is the blob service URL. Empty means
	// https://<AccountName>.blob.core.windows.net; an emulator such as
	// Azurite uses path style, e.g. http://127.0.0.1:10000/devstoreaccount1.
	Endpoint string
	// HTTPClient sends the store's own requests. Nil means the SDK's
	// transport, which has connect and TLS timeouts (never
	// http.DefaultClient).
	HTTPClient *http.Client
	// Clock dates SAS expiry. Nil means the system clock.
	Clock idproof.Clock
}

// Store is an [idproof.BlobStore] on one Azure blob container.
type Store struct {
	cred         *sas.SharedKeyCredential
	client       *container.Client
	containerURL string // endpoint + "/" + container, no trailing slash
	container    string
	clock        idproof.Clock
	protocol     sas.Protocol // https-only when the endpoint is https
	pageSize     int32        // List page size; 0 lets the service choose (5000)
}

var _ idproof.BlobStore = (*Store)(nil)

// New checks cfg and returns a store. It sends no request, so a wrong key or
// a missing container shows on first use rather than at startup, when
// storage may be briefly unreachable.
func New(ctx context.Context, cfg Config) (*Store, error) {
	if cfg.AccountName == "" || cfg.AccountKey == "" {
		return nil, idproof.Errorf(idproof.EINVALID, "azure: accountName and accountKey are required")
	}
	if err := validContainerName(cfg.Container); err != nil {
		return nil, err
	}
	endpoint := strings.TrimRight(cfg.Endpoint, "/")
	if endpoint == "" {
		endpoint = "https://" + cfg.AccountName + ".blob.core.windows.net"
	}
	u, err := url.Parse(endpoint)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		return nil, idproof.Errorf(idproof.EINVALID, "azure: endpoint must be an http or https URL without query")
	}
	cred, err := container.NewSharedKeyCredential(cfg.AccountName, cfg.AccountKey)
	if err != nil {
		// The SDK's message would echo the key decoding failure; keep the
		// key out of messages entirely.
		return nil, idproof.Errorf(idproof.EINVALID, "azure: accountKey is not valid base64")
	}
	containerURL := endpoint + "/" + cfg.Container
	var opts container.ClientOptions
	if cfg.HTTPClient != nil {
		opts.Transport = cfg.HTTPClient
	}
	client, err := container.NewClientWithSharedKeyCredential(containerURL, cred, &opts)
	if err != nil {
		return nil, fmt.Errorf("azure: client: %w", err)
	}
	clock := cfg.Clock
	if clock == nil {
		clock = idproof.SystemClock{}
	}
	s := &Store{cred: cred, client: client, containerURL: containerURL, container: cfg.Container, clock: clock}
	if u.Scheme == "https" {
		// A SAS URL carries a bearer credential; refuse it over plain HTTP
		// where the endpoint offers TLS. Emulators on http:// get no such
		// restriction.
		s.protocol = sas.ProtocolHTTPS
	}
	return s, nil
}

// PutHeaders returns the headers an upload to a URL from
// [Store.PresignPut] must carry: Azure refuses a Put Blob without
// x-ms-blob-type, and the Content-Type becomes the blob's content type.
func PutHeaders(contentType string) http.Header {
	return http.Header{
		"X-Ms-Blob-Type": {"BlockBlob"},
		"Content-Type":   {contentType},
	}
}

// PresignPut returns a service SAS URL with create and write permission on
// the blob key. The uploader must send the headers of [PutHeaders].
func (s *Store) PresignPut(ctx context.Context, key, contentType string, expires time.Duration) (string, error) {
	if contentType == "" {
		return "", idproof.Errorf(idproof.EINVALID, "azure: content type is required")
	}
	return s.presign(key, sas.BlobPermissions{Create: true, Write: true}, expires)
}

// PresignGet returns a service SAS URL with read permission on the blob key.
func (s *Store) PresignGet(ctx context.Context, key string, expires time.Duration) (string, error) {
	return s.presign(key, sas.BlobPermissions{Read: true}, expires)
}

func (s *Store) presign(key string, perms sas.BlobPermissions, expires time.Duration) (string, error) {
	if err := validKey(key); err != nil {
		return "", err
	}
	if expires <= 0 {
		return "", idproof.Errorf(idproof.EINVALID, "azure: expiry must be positive")
	}
	// No start time: a start time taken from this server's clock would
	// refuse the URL on a storage front end whose clock runs behind.
	qp, err := sas.BlobSignatureValues{
		Protocol:      s.protocol,
		ExpiryTime:    s.clock.Now().Add(expires).UTC(),
		Permissions:   perms.String(),
		ContainerName: s.container,
		BlobName:      key,
	}.SignWithSharedKey(s.cred)
	if err != nil {
		return "", fmt.Errorf("azure: sign SAS: %w", err)
	}
	return s.blobURL(key) + "?" + qp.Encode(), nil
}

// blobURL escapes each segment of key but keeps its slashes, so URLs read
// as paths; the service treats them the same as the SDK's %2F form.
func (s *Store) blobURL(key string) string {
	segs := strings.Split(key, "/")
	for i, seg := range segs {
		segs[i] = url.PathEscape(seg)
	}
	return s.containerURL + "/" + strings.Join(segs, "/")
}

// Put stores an object from r as a block blob. size is advisory: the
// uploaded length is what r yields.
func (s *Store) Put(ctx context.Context, key, contentType string, r io.Reader, size int64) error {
	if err := validKey(key); err != nil {
		return err
	}
	bb := s.client.NewBlockBlobClient(key)
	headers := &blob.HTTPHeaders{}
	if contentType != "" {
		headers.BlobContentType = &contentType
	}
	// A seekable body at its start goes up in one Put Blob that the SDK can
	// retry; anything else is staged in blocks and committed.
	if rs, ok := r.(io.ReadSeeker); ok {
		if pos, err := rs.Seek(0, io.SeekCurrent); err == nil && pos == 0 {
			_, err := bb.Upload(ctx, streaming.NopCloser(rs), &blockblob.UploadOptions{HTTPHeaders: headers})
			return s.wrap("put", key, err)
		}
	}
	_, err := bb.UploadStream(ctx, r, &blockblob.UploadStreamOptions{
		HTTPHeaders: headers,
		// Each concurrent block holds a buffer; images are small, so two
		// keeps memory per upload at a few MiB.
		Concurrency: 2,
	})
	return s.wrap("put", key, err)
}

// Open reads an object. A missing object is ENOTFOUND.
func (s *Store) Open(ctx context.Context, key string) (io.ReadCloser, int64, error) {
	if err := validKey(key); err != nil {
		return nil, 0, err
	}
	resp, err := s.client.NewBlobClient(key).DownloadStream(ctx, nil)
	if err != nil {
		if bloberror.HasCode(err, bloberror.BlobNotFound) {
			return nil, 0, idproof.Errorf(idproof.ENOTFOUND, "object %s not found", key)
		}
		return nil, 0, s.wrap("open", key, err)
	}
	size := int64(-1)
	if resp.ContentLength != nil {
		size = *resp.ContentLength
	}
	return resp.Body, size, nil
}

// Delete removes an object and its snapshots; a missing object is not an
// error.
func (s *Store) Delete(ctx context.Context, key string) error {
	if err := validKey(key); err != nil {
		return err
	}
	// Snapshots must go too: retention deletes images, not just their
	// current version, and the service refuses to delete a blob that has
	// snapshots unless asked to include them.
	include := blob.DeleteSnapshotsOptionTypeInclude
	_, err := s.client.NewBlobClient(key).Delete(ctx, &blob.DeleteOptions{DeleteSnapshots: &include})
	if bloberror.HasCode(err, bloberror.BlobNotFound) {
		return nil
	}
	return s.wrap("delete", key, err)
}

// List returns the blob names under prefix, sorted, following the service's
// continuation markers across pages.
func (s *Store) List(ctx context.Context, prefix string) ([]string, error) {
	opts := &container.ListBlobsFlatOptions{}
	if prefix != "" {
		opts.Prefix = &prefix
	}
	if s.pageSize > 0 {
		opts.MaxResults = &s.pageSize
	}
	pager := s.client.NewListBlobsFlatPager(opts)
	var keys []string
	for pager.More() {
		page, err := pager.NextPage(ctx)
		if err != nil {
			return nil, s.wrap("list", prefix, err)
		}
		if page.Segment == nil {
			continue
		}
		for _, item := range page.Segment.BlobItems {
			if item.Name != nil {
				keys = append(keys, *item.Name)
			}
		}
	}
	// The service lists in name order already; sorting keeps the contract
	// independent of that.
	sort.Strings(keys)
	return keys, nil
}

// wrap turns an SDK error into one the API can classify: throttling,
// server errors and network failures are EUNAVAILABLE; anything else
// (a wrong key, a missing container) is an internal misconfiguration. The
// SDK error stays in the chain for logs.
func (s *Store) wrap(op, key string, err error) error {
	if err == nil {
		return nil
	}
	var respErr *azcore.ResponseError
	var netErr net.Error
	switch {
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return fmt.Errorf("azure: %s %s: %w", op, key, err)
	case errors.As(err, &respErr):
		if respErr.StatusCode == http.StatusTooManyRequests || respErr.StatusCode >= 500 {
			return fmt.Errorf("%w: azure: %s %s: %w", unavailable(), op, key, err)
		}
		if bloberror.HasCode(err, bloberror.ContainerNotFound) {
			return fmt.Errorf("azure: %s %s: container %s does not exist: %w", op, key, s.container, err)
		}
		return fmt.Errorf("azure: %s %s: %w", op, key, err)
	case errors.As(err, &netErr):
		return fmt.Errorf("%w: azure: %s %s: %w", unavailable(), op, key, err)
	}
	return fmt.Errorf("azure: %s %s: %w", op, key, err)
}

func unavailable() error {
	return idproof.Errorf(idproof.EUNAVAILABLE, "blob storage is unavailable")
}

// validKey refuses keys that would not name one blob: empty, absolute, or
// with empty or dot segments, which URL handling would collapse into another
// blob's name.
func validKey(key string) error {
	if key == "" || len(key) > 1024 {
		return idproof.Errorf(idproof.EINVALID, "invalid object key")
	}
	for _, seg := range strings.Split(key, "/") {
		if seg == "" || seg == "." || seg == ".." {
			return idproof.Errorf(idproof.EINVALID, "invalid object key")
		}
	}
	return nil
}

// validContainerName applies Azure's container naming rules, so a typo in
// the bucket configuration fails at creation instead of on first upload.
func validContainerName(name string) error {
	bad := idproof.Errorf(idproof.EINVALID, "azure: bucketName must be 3-63 lowercase letters, digits and single hyphens")
	if len(name) < 3 || len(name) > 63 || name[0] == '-' || name[len(name)-1] == '-' || strings.Contains(name, "--") {
		return bad
	}
	for _, c := range name {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
			return bad
		}
	}
	return nil
}
