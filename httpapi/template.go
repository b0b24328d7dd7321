package httpapi

import (
	"encoding/json"
	"net/http"
	"strings"
	"time"

	"github.com/idproof/idproof"
	"github.com/idproof/idproof/internal/lenient"
	"github.com/idproof/idproof/workflow"
)

// templateView is a proofing template as the API shows it.
type templateView struct {
	ID           string          `json:"_id"`
	TenantID     string          `json:"tenantId"`
	CommunityID  string          `json:"communityId"`
	DVCID        string          `json:"dvcID"`
	DocumentType string          `json:"documentType"`
	Workflow     json.RawMessage `json:"workflow"`
	CreatedTS    int64           `json:"createdTS,omitempty"` // epoch ms; absent for the built-in default
	UpdatedTS    int64           `json:"updatedTS,omitempty"`
}

func viewTemplate(t *idproof.Template) templateView {
	wf := t.Workflow
	if len(wf) == 0 {
		wf = json.RawMessage("[]")
	}
	return templateView{
		ID: t.ID, TenantID: t.TenantID, CommunityID: t.CommunityID, DVCID: t.DVCID, DocumentType: t.DocumentType,
		Workflow: wf, CreatedTS: t.CreatedAt.UnixMilli(), UpdatedTS: t.UpdatedAt.UnixMilli(),
	}
}

// templateBody is the body of the create and update endpoints. Pointers
// tell a missing field from an empty one; the workflow stays raw so that
// workflow.Parse can accept a single step object as well as an array.
type templateBody struct {
	DocumentType *string         `json:"documentType"`
	DVCID        *string         `json:"dvcID"`
	Workflow     json.RawMessage `json:"workflow"`
}

// steps parses and validates the workflow of the body and returns it in
// its stored form.
func (b *templateBody) steps() (json.RawMessage, error) {
	steps, err := workflow.Parse(b.Workflow)
	if err != nil {
		return nil, err
	}
	if err := workflow.Validate(steps); err != nil {
		return nil, err
	}
	return json.Marshal(workflow.Normalize(steps))
}

// fields checks the documentType and dvcID of the body. Create needs
// both; the updates take either as optional, "" meaning unchanged.
func (b *templateBody) fields(required bool) (docType, dvcID string, err error) {
	switch {
	case b.DocumentType != nil:
		if docType = *b.DocumentType; lenient.IsChoiceList(docType) {
			return "", "", errorf(idproof.EINVALID, "documentType %.60q lists the choices; a template is for one: dl_object, ppt_object or idcard_object", docType)
		}
		if !idproof.ValidDocumentType(docType) {
			return "", "", errorf(idproof.EINVALID, "documentType %.40q is not one of dl_object, ppt_object, idcard_object", docType)
		}
	case required:
		return "", "", errorf(idproof.EINVALID, "documentType is required: one of dl_object, ppt_object, idcard_object")
	}
	switch {
	case b.DVCID != nil:
		if dvcID, err = checkTemplateDVCID("dvcID", *b.DVCID); err != nil {
			return "", "", err
		}
	case required:
		return "", "", errorf(idproof.EINVALID, "dvcID is required")
	}
	return docType, dvcID, nil
}

// checkTemplateDVCID bounds a dvcID from a body or a path: it is stored and
// compared as text, and the database refuses some characters outright.
func checkTemplateDVCID(field, v string) (string, error) {
	switch {
	case strings.TrimSpace(v) == "":
		return "", errorf(idproof.EINVALID, "%s must not be empty", field)
	case len(v) > 128:
		return "", errorf(idproof.EINVALID, "%s is longer than 128 bytes", field)
	}
	if err := checkText(field, v); err != nil {
		return "", err
	}
	return v, nil
}

// templateNow is the time stored in templates: the clock's, at the stores'
// millisecond precision, so the reply equals what a later read returns.
func (s *Server) templateNow() time.Time { return s.clock.Now().UTC().Truncate(time.Millisecond) }

// templateScope checks the tenant and community of the path: the caller's
// license must reach them, and the community must belong to the tenant.
// Anything else is a 404 that does not tell which part was wrong, so that
// other tenants' ids cannot be probed.
func (s *Server) templateScope(r *http.Request) (tenantID, communityID string, err error) {
	tenantID, communityID = r.PathValue("tenantId"), r.PathValue("communityId")
	notFound := errorf(idproof.ENOTFOUND, "community %.40q of tenant %.40q not found", communityID, tenantID)
	lic := callerFrom(r.Context()).License
	if lic == nil || !idproof.IsObjectID(tenantID) || !idproof.IsObjectID(communityID) || !lic.CanAccess(tenantID, communityID) {
		return "", "", notFound
	}
	c, err := s.store.Community(r.Context(), communityID)
	if idproof.IsNotFound(err) || (err == nil && c.TenantID != tenantID) {
		return "", "", notFound
	}
	if err != nil {
		return "", "", err
	}
	return tenantID, communityID, nil
}

// scopedTemplate loads the template of the path's id, which must belong to
// the tenant and community of the path (already checked by templateScope).
func (s *Server) scopedTemplate(r *http.Request, tenantID, communityID string) (*idproof.Template, error) {
	id := r.PathValue("id")
	notFound := errorf(idproof.ENOTFOUND, "template %.40q not found", id)
	if !idproof.IsObjectID(id) {
		return nil, notFound
	}
	t, err := s.store.Template(r.Context(), id)
	if idproof.IsNotFound(err) || (err == nil && (t.TenantID != tenantID || t.CommunityID != communityID)) {
		return nil, notFound
	}
	return t, err
}

// createTemplate is PUT /proofingtemplates/tenant/{tenantId}/community/{communityId}.
func (s *Server) createTemplate(w http.ResponseWriter, r *http.Request) error {
	tenantID, communityID, err := s.templateScope(r)
	if err != nil {
		return err
	}
	var body templateBody
	if err := s.decode(r, &body); err != nil {
		return err
	}
	docType, dvcID, err := body.fields(true)
	if err != nil {
		return err
	}
	wf, err := body.steps()
	if err != nil {
		return err
	}
	now := s.templateNow()
	t := &idproof.Template{
		ID: idproof.NewObjectID(), TenantID: tenantID, CommunityID: communityID,
		DVCID: dvcID, DocumentType: docType, Workflow: wf, CreatedAt: now, UpdatedAt: now,
	}
	if err := s.store.CreateTemplate(r.Context(), t); err != nil {
		return err
	}
	return s.reply(w, r, http.StatusOK, viewTemplate(t))
}

// updateTemplateByDVC is PATCH .../dvcId/{dvcId}. The API document requires
// the body encrypted, so a plain one is refused. It replaces the workflow
// of every template of the community with that dvcID (and documentType,
// when the body names one) and replies with the oldest of them.
func (s *Server) updateTemplateByDVC(w http.ResponseWriter, r *http.Request) error {
	tenantID, communityID, err := s.templateScope(r)
	if err != nil {
		return err
	}
	dvcID, err := checkTemplateDVCID("dvcId", r.PathValue("dvcId"))
	if err != nil {
		return err
	}
	var body templateBody
	if err := s.decode(r, &body); err != nil {
		return err
	}
	if !callerFrom(r.Context()).Enveloped {
		return errorf(idproof.EINVALID, "this endpoint needs an encrypted data body: {\"data\": \"<encrypted JSON>\"}")
	}
	// A dvcID in the body is ignored: the path names the templates.
	body.DVCID = nil
	docType, _, err := body.fields(false)
	if err != nil {
		return err
	}
	wf, err := body.steps()
	if err != nil {
		return err
	}
	list, err := s.store.Templates(r.Context(), tenantID, communityID, dvcID, docType)
	if err != nil {
		return err
	}
	if len(list) == 0 {
		return errorf(idproof.ENOTFOUND, "no template with dvcID %.40q in this community", dvcID)
	}
	// The store updates one template at a time: should one write fail, a
	// retry of the same request brings all of them to the same workflow.
	now := s.templateNow()
	for _, t := range list {
		t.Workflow, t.UpdatedAt = wf, now
		if err := s.store.UpdateTemplate(r.Context(), t); err != nil {
			return err
		}
	}
	return s.reply(w, r, http.StatusOK, viewTemplate(list[0]))
}

// updateTemplate is PATCH .../id/{id}: a new workflow, and optionally a new
// documentType or dvcID.
func (s *Server) updateTemplate(w http.ResponseWriter, r *http.Request) error {
	tenantID, communityID, err := s.templateScope(r)
	if err != nil {
		return err
	}
	t, err := s.scopedTemplate(r, tenantID, communityID)
	if err != nil {
		return err
	}
	var body templateBody
	if err := s.decode(r, &body); err != nil {
		return err
	}
	docType, dvcID, err := body.fields(false)
	if err != nil {
		return err
	}
	wf, err := body.steps()
	if err != nil {
		return err
	}
	if docType != "" {
		t.DocumentType = docType
	}
	if dvcID != "" {
		t.DVCID = dvcID
	}
	t.Workflow, t.UpdatedAt = wf, s.templateNow()
	if err := s.store.UpdateTemplate(r.Context(), t); err != nil {
		return err
	}
	return s.reply(w, r, http.StatusOK, viewTemplate(t))
}

// deleteTemplate is DELETE .../id/{id}: 204 with no body.
func (s *Server) deleteTemplate(w http.ResponseWriter, r *http.Request) error {
	tenantID, communityID, err := s.templateScope(r)
	if err != nil {
		return err
	}
	t, err := s.scopedTemplate(r, tenantID, communityID)
	if err != nil {
		return err
	}
	if err := s.store.DeleteTemplate(r.Context(), t.ID); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// sessionTemplates is GET /proofingtemplates/{sessionId}: the templates of
// the session's community for its dvcID and document type; failing those,
// the community's templates for the document type with no dvcID; failing
// those, the built-in default workflow, with _id "default".
//
// The session id is the capability of the end user's browser, which sends
// no license: the session's bound key (set by start) is checked then. A
// relying party may send its license instead, which must reach the
// session's tenant and community.
func (s *Server) sessionTemplates(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("sessionId")
	notFound := errorf(idproof.ENOTFOUND, "session %.40q not found", id)
	if !idproof.IsUUID(id) {
		return notFound
	}
	sess, err := s.store.Session(r.Context(), id)
	if idproof.IsNotFound(err) {
		return notFound
	}
	if err != nil {
		return err
	}
	c := callerFrom(r.Context())
	switch {
	case c.License != nil:
		if !c.License.CanAccess(sess.TenantID, sess.CommunityID) {
			return notFound
		}
	case sess.BoundKey != "" && sess.BoundKey != c.PublicKey:
		return errorf(idproof.EFORBIDDEN, "this session is bound to another key")
	}
	all, err := s.store.Templates(r.Context(), sess.TenantID, sess.CommunityID, "", sess.DocumentType)
	if err != nil {
		return err
	}
	// One query serves both look-ups: the store treats an empty dvcID as
	// "any", so the exact matches are picked here.
	list := []templateView{}
	for _, dvc := range []string{sess.DVCID, ""} {
		for _, t := range all {
			if t.DVCID == dvc && t.DocumentType == sess.DocumentType {
				list = append(list, viewTemplate(t))
			}
		}
		if len(list) > 0 || dvc == "" {
			break
		}
	}
	if len(list) == 0 {
		wf, err := json.Marshal(workflow.Default(sess.DocumentType))
		if err != nil {
			return err
		}
		list = append(list, templateView{
			ID: "default", TenantID: sess.TenantID, CommunityID: sess.CommunityID,
			DVCID: sess.DVCID, DocumentType: sess.DocumentType, Workflow: wf,
		})
	}
	return s.reply(w, r, http.StatusOK, map[string][]templateView{"list": list})
}
