package httpapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/idproof/idproof"
	"github.com/idproof/idproof/admin"
)

// The administration endpoints (class system, under /admin/) manage what
// the API document leaves to the vendor's console: tenants, communities,
// licenses and verification configurations. Bodies are decoded strictly, so
// a misspelt field (expires for expiresTS) is an error rather than a
// license that silently never expires.

// listReply is the shape of every administration list.
type listReply[T any] struct {
	Data []T `json:"data"`
}

func (s *Server) adminCreateTenant(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		DNS  string `json:"dns"`
		Name string `json:"name"`
	}
	if err := s.decodeStrict(r, &in); err != nil {
		return err
	}
	t, err := s.admin.CreateTenant(r.Context(), in.DNS, in.Name)
	if err != nil {
		return err
	}
	return s.reply(w, r, http.StatusCreated, admin.NewTenantView(t))
}

func (s *Server) adminTenants(w http.ResponseWriter, r *http.Request) error {
	ts, err := s.admin.Tenants(r.Context())
	if err != nil {
		return err
	}
	out := listReply[admin.TenantView]{Data: make([]admin.TenantView, 0, len(ts))}
	for _, t := range ts {
		out.Data = append(out.Data, admin.NewTenantView(t))
	}
	return s.reply(w, r, http.StatusOK, out)
}

func (s *Server) adminCreateCommunity(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Name string `json:"name"`
	}
	if err := s.decodeStrict(r, &in); err != nil {
		return err
	}
	c, err := s.admin.CreateCommunity(r.Context(), r.PathValue("tenantId"), in.Name)
	if err != nil {
		return err
	}
	return s.reply(w, r, http.StatusCreated, admin.NewCommunityView(c))
}

func (s *Server) adminCommunities(w http.ResponseWriter, r *http.Request) error {
	cs, err := s.admin.Communities(r.Context(), r.PathValue("tenantId"))
	if err != nil {
		return err
	}
	out := listReply[admin.CommunityView]{Data: make([]admin.CommunityView, 0, len(cs))}
	for _, c := range cs {
		out.Data = append(out.Data, admin.NewCommunityView(c))
	}
	return s.reply(w, r, http.StatusOK, out)
}

// expiryBody is the expiry of a license, as epoch milliseconds or as an
// RFC 3339 time; at most one of them.
type expiryBody struct {
	ExpiresTS *int64  `json:"expiresTS"`
	ExpiresAt *string `json:"expiresAt"`
}

// maxExpiryMillis keeps expiry times within what both stores keep.
var maxExpiryMillis = time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC).UnixMilli()

// time returns the expiry, or the zero time when none is given.
func (b expiryBody) time() (time.Time, error) {
	switch {
	case b.ExpiresTS != nil && b.ExpiresAt != nil:
		return time.Time{}, errorf(idproof.EINVALID, "send expiresTS or expiresAt, not both")
	case b.ExpiresTS != nil:
		if ms := *b.ExpiresTS; ms <= 0 || ms > maxExpiryMillis {
			return time.Time{}, errorf(idproof.EINVALID, "expiresTS must be epoch milliseconds between 1970 and 9999")
		}
		return time.UnixMilli(*b.ExpiresTS).UTC(), nil
	case b.ExpiresAt != nil:
		t, err := time.Parse(time.RFC3339Nano, *b.ExpiresAt)
		if err != nil || t.Year() < 1970 {
			return time.Time{}, errorf(idproof.EINVALID, "expiresAt must be an RFC 3339 time after 1970, such as 2030-01-02T15:04:05Z")
		}
		return t.UTC(), nil
	}
	return time.Time{}, nil
}

func (s *Server) adminCreateLicense(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		TenantID    string `json:"tenantId"`
		CommunityID string `json:"communityId"`
		AuthLevel   string `json:"authLevel"`
		Tag         string `json:"tag"`
		expiryBody
	}
	if err := s.decodeStrict(r, &in); err != nil {
		return err
	}
	level := idproof.AuthLevel(in.AuthLevel)
	switch {
	case in.AuthLevel == "":
		return errorf(idproof.EINVALID, "authLevel is required: one of system, service, service_ext, basic")
	case in.TenantID == "" && level != idproof.AuthSystem:
		return errorf(idproof.EINVALID, "tenantId is required for a %.20q license", in.AuthLevel)
	}
	expires, err := in.time()
	if err != nil {
		return err
	}
	key, l, err := s.admin.CreateLicense(r.Context(), admin.LicenseSpec{
		Tag: in.Tag, AuthLevel: level, TenantID: in.TenantID, CommunityID: in.CommunityID, ExpiresAt: expires,
	})
	if err != nil {
		return err
	}
	v := admin.NewLicenseView(l)
	v.LicenseKey = key
	return s.reply(w, r, http.StatusCreated, v)
}

func (s *Server) adminLicenses(w http.ResponseWriter, r *http.Request) error {
	ls, err := s.admin.Licenses(r.Context(), r.URL.Query().Get("tenantId"))
	if err != nil {
		return err
	}
	out := listReply[admin.LicenseView]{Data: make([]admin.LicenseView, 0, len(ls))}
	for _, l := range ls {
		out.Data = append(out.Data, admin.NewLicenseView(l))
	}
	return s.reply(w, r, http.StatusOK, out)
}

func (s *Server) adminDisableLicense(w http.ResponseWriter, r *http.Request) error {
	l, err := s.admin.DisableLicense(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	return s.reply(w, r, http.StatusOK, admin.NewLicenseView(l))
}

// adminExpireLicense expires a license now, or at the time of the optional
// body.
func (s *Server) adminExpireLicense(w http.ResponseWriter, r *http.Request) error {
	var in expiryBody
	if present, err := bodyPresent(r); err != nil {
		return err
	} else if present {
		if err := s.decodeStrict(r, &in); err != nil {
			return err
		}
	}
	at, err := in.time()
	if err != nil {
		return err
	}
	l, err := s.admin.ExpireLicense(r.Context(), r.PathValue("id"), at)
	if err != nil {
		return err
	}
	return s.reply(w, r, http.StatusOK, admin.NewLicenseView(l))
}

// adminPutDVC creates or replaces a verification configuration. The body
// is {connector, verification}; the other fields of a configuration as GET
// returns it are accepted and ignored (the path names the configuration),
// so a configuration read, edited and sent back needs no trimming.
func (s *Server) adminPutDVC(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Connector    json.RawMessage `json:"connector"`
		Verification json.RawMessage `json:"verification"`
		DVCID        json.RawMessage `json:"dvcID"`
		TenantID     json.RawMessage `json:"tenantId"`
		CommunityID  json.RawMessage `json:"communityId"`
		Name         json.RawMessage `json:"name"`
		CreatedTS    json.RawMessage `json:"createdTS"`
		UpdatedTS    json.RawMessage `json:"updatedTS"`
	}
	if err := s.decodeStrict(r, &in); err != nil {
		return err
	}
	c, err := s.admin.PutVerificationConfig(r.Context(), r.PathValue("tenantId"), r.PathValue("communityId"),
		r.PathValue("name"), in.Connector, in.Verification)
	if err != nil {
		return err
	}
	return s.replyDVC(w, r, c)
}

func (s *Server) adminDVCs(w http.ResponseWriter, r *http.Request) error {
	cs, err := s.admin.VerificationConfigs(r.Context(), r.PathValue("tenantId"), r.PathValue("communityId"))
	if err != nil {
		return err
	}
	out := listReply[admin.VerificationConfigView]{Data: make([]admin.VerificationConfigView, 0, len(cs))}
	for _, c := range cs {
		v, err := s.admin.VerificationConfigView(c)
		if err != nil {
			return err
		}
		out.Data = append(out.Data, *v)
	}
	return s.reply(w, r, http.StatusOK, out)
}

func (s *Server) adminDVC(w http.ResponseWriter, r *http.Request) error {
	c, err := s.admin.VerificationConfig(r.Context(), r.PathValue("dvcID"))
	if err != nil {
		return err
	}
	return s.replyDVC(w, r, c)
}

func (s *Server) adminDeleteDVC(w http.ResponseWriter, r *http.Request) error {
	if err := s.admin.DeleteVerificationConfig(r.Context(), r.PathValue("dvcID")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// replyDVC answers with c, its connector secrets masked.
func (s *Server) replyDVC(w http.ResponseWriter, r *http.Request, c *idproof.VerificationConfig) error {
	v, err := s.admin.VerificationConfigView(c)
	if err != nil {
		return err
	}
	return s.reply(w, r, http.StatusOK, v)
}

// decodeStrict is decode that refuses fields the endpoint does not know.
func (s *Server) decodeStrict(r *http.Request, dst any) error {
	var raw json.RawMessage
	if err := s.decode(r, &raw); err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		var typeErr *json.UnmarshalTypeError
		switch {
		case errors.As(err, &typeErr) && typeErr.Field == "":
			return errorf(idproof.EINVALID, "request body must be a JSON object")
		case errors.As(err, &typeErr):
			return errorf(idproof.EINVALID, "field %s must be %s, not %s", typeErr.Field, typeErr.Type, typeErr.Value)
		}
		// The remaining errors name the unknown field.
		return errorf(idproof.EINVALID, "request body: %s", strings.TrimPrefix(err.Error(), "json: "))
	}
	return nil
}

// bodyPresent reports whether the request has a non-blank body, leaving it
// in place for decode.
func bodyPresent(r *http.Request) (bool, error) {
	b, err := io.ReadAll(r.Body)
	if err != nil {
		var maxErr *http.MaxBytesError
		if errors.As(err, &maxErr) {
			return false, err
		}
		return false, errorf(idproof.EINVALID, "cannot read request body: %v", err)
	}
	r.Body = io.NopCloser(bytes.NewReader(b))
	return len(bytes.TrimSpace(b)) > 0, nil
}
