package storetest

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/idproof/idproof"
)

// newTemplateValue returns a template that is not stored yet, created i
// minutes after t0.
func newTemplateValue(tenantID, communityID, dvcID, docType string, i int) *idproof.Template {
	at := t0.Add(time.Duration(i) * time.Minute)
	return &idproof.Template{
		ID:           idproof.NewObjectID(),
		TenantID:     tenantID,
		CommunityID:  communityID,
		DVCID:        dvcID,
		DocumentType: docType,
		Workflow:     json.RawMessage(`[{"step": "front"}, {"step": "back", "optional": true}, {"step": "selfie"}]`),
		CreatedAt:    at,
		UpdatedAt:    at.Add(time.Second),
	}
}

// newTemplate creates a template, created i minutes after t0.
func newTemplate(t *testing.T, s idproof.Store, tenantID, communityID, dvcID, docType string, i int) *idproof.Template {
	t.Helper()
	v := newTemplateValue(tenantID, communityID, dvcID, docType, i)
	must(t, "CreateTemplate", s.CreateTemplate(t.Context(), v))
	return v
}

var templateTests = []test{
	{"RoundTrip", func(t *testing.T, s idproof.Store) {
		want := newTemplate(t, s, "t", "c", "dvc", idproof.DocPassport, 0)
		got, err := s.Template(t.Context(), want.ID)
		must(t, "Template", err)
		check(t, "Template", got, want)
	}},
	{"NotFound", func(t *testing.T, s idproof.Store) {
		newTemplate(t, s, "t", "c", "dvc", idproof.DocPassport, 0)
		_, err := s.Template(t.Context(), idproof.NewObjectID())
		wantCode(t, "Template", err, idproof.ENOTFOUND)
	}},
	{"DuplicateID", func(t *testing.T, s idproof.Store) {
		v := newTemplate(t, s, "t", "c", "dvc", idproof.DocPassport, 0)
		dup := newTemplateValue("t", "c", "", idproof.DocIDCard, 1)
		dup.ID = v.ID
		wantCode(t, "CreateTemplate", s.CreateTemplate(t.Context(), dup), idproof.ECONFLICT)
	}},
	{"List", func(t *testing.T, s idproof.Store) {
		ctx := t.Context()
		p2 := newTemplate(t, s, "t", "c", "dvc1", idproof.DocPassport, 2)
		p1 := newTemplate(t, s, "t", "c", "dvc2", idproof.DocPassport, 1)
		dl := newTemplate(t, s, "t", "c", "dvc1", idproof.DocDriversLicense, 3)
		none := newTemplate(t, s, "t", "c", "", idproof.DocIDCard, 4)
		other := newTemplate(t, s, "t", "d", "dvc1", idproof.DocPassport, 5)
		newTemplate(t, s, "u", "c", "dvc1", idproof.DocPassport, 0)
		cases := []struct {
			name                         string
			community, dvc, documentType string
			want                         []*idproof.Template
		}{
			{"community", "c", "", "", []*idproof.Template{p1, p2, dl, none}},
			{"dvc", "c", "dvc1", "", []*idproof.Template{p2, dl}},
			{"document type", "c", "", idproof.DocPassport, []*idproof.Template{p1, p2}},
			{"dvc and document type", "c", "dvc1", idproof.DocPassport, []*idproof.Template{p2}},
			{"no match", "c", "dvc2", idproof.DocIDCard, nil},
			{"tenant", "", "dvc1", idproof.DocPassport, []*idproof.Template{p2, other}},
			{"unknown community", "x", "", "", nil},
		}
		for _, tc := range cases {
			got, err := s.Templates(ctx, "t", tc.community, tc.dvc, tc.documentType)
			must(t, "Templates "+tc.name, err)
			check(t, "Templates "+tc.name, got, tc.want)
		}
	}},
	{"Update", func(t *testing.T, s idproof.Store) {
		ctx := t.Context()
		v := newTemplate(t, s, "t", "c", "dvc", idproof.DocPassport, 0)
		want := *v
		want.DVCID = ""
		want.DocumentType = idproof.DocIDCard
		want.Workflow = json.RawMessage(`[{"step":"front"}]`)
		want.UpdatedAt = t0.Add(time.Hour)
		upd := want
		upd.TenantID, upd.CommunityID, upd.CreatedAt = "x", "y", t0.Add(2*time.Hour)
		must(t, "UpdateTemplate", s.UpdateTemplate(ctx, &upd))
		got, err := s.Template(ctx, v.ID)
		must(t, "Template", err)
		check(t, "Template after update", got, &want)
		list, err := s.Templates(ctx, "t", "c", "", idproof.DocIDCard)
		must(t, "Templates", err)
		check(t, "Templates after update", list, []*idproof.Template{&want})
	}},
	{"UpdateNotFound", func(t *testing.T, s idproof.Store) {
		v := newTemplateValue("t", "c", "", idproof.DocPassport, 0)
		wantCode(t, "UpdateTemplate", s.UpdateTemplate(t.Context(), v), idproof.ENOTFOUND)
	}},
	{"Delete", func(t *testing.T, s idproof.Store) {
		ctx := t.Context()
		v := newTemplate(t, s, "t", "c", "", idproof.DocPassport, 0)
		keep := newTemplate(t, s, "t", "c", "", idproof.DocPassport, 1)
		must(t, "DeleteTemplate", s.DeleteTemplate(ctx, v.ID))
		_, err := s.Template(ctx, v.ID)
		wantCode(t, "Template deleted", err, idproof.ENOTFOUND)
		wantCode(t, "DeleteTemplate again", s.DeleteTemplate(ctx, v.ID), idproof.ENOTFOUND)
		list, err := s.Templates(ctx, "t", "c", "", "")
		must(t, "Templates", err)
		check(t, "Templates after delete", list, []*idproof.Template{keep})
	}},
}
