package httpapi

import (
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/idproof/idproof"
	"github.com/idproof/idproof/internal/lenient"
	"github.com/idproof/idproof/proofing"
)

// Paging limits of POST /proofingsession/fetch.
const (
	defaultPageSize = 100
	maxPageSize     = 500
)

type fetchRequest struct {
	Query struct {
		ID string `json:"id"`
		// status, overallRecommendation and documentType take one value,
		// several in an array, or the document's "A | B" form: any of them.
		Status                lenient.Strings `json:"status"`
		OverallRecommendation lenient.Strings `json:"overallRecommendation"`
		DocumentType          lenient.Strings `json:"documentType"`
		Name                  string          `json:"name"`
		UID                   string          `json:"uid"`
		DVCID                 string          `json:"dvcID"`
		StartDate             string          `json:"startDate"`
		EndDate               string          `json:"endDate"`
	} `json:"query"`
	PIndex      lenient.Int `json:"pIndex"`
	PSize       lenient.Int `json:"pSize"`
	TenantID    string      `json:"tenantId"`
	CommunityID string      `json:"communityId"`
}

// fetchSessions lists a community's sessions with the document's filters.
func (s *Server) fetchSessions(w http.ResponseWriter, r *http.Request) error {
	var req fetchRequest
	if err := s.decode(r, &req); err != nil {
		return err
	}
	f, err := fetchFilter(&req)
	if err != nil {
		return err
	}
	if !callerFrom(r.Context()).License.CanAccess(f.TenantID, f.CommunityID) {
		return errorf(idproof.ENOTFOUND, "community not found")
	}
	list, total, err := s.engine.List(r.Context(), f)
	if err != nil {
		return err
	}
	items := make([]any, 0, len(list))
	for _, it := range list {
		items = append(items, proofing.Record(it.Session, it.Data))
	}
	return s.reply(w, r, http.StatusOK, map[string]any{"data": map[string]any{
		"data": items,
		"page": map[string]int{"index": f.Offset / f.Limit, "total": total, "size": f.Limit},
	}})
}

var (
	sessionStatuses = []idproof.SessionStatus{idproof.StatusPending, idproof.StatusInProgress, idproof.StatusExpired,
		idproof.StatusAbandoned, idproof.StatusCompleted, idproof.StatusDeclined}
	sessionOutcomes = []idproof.Outcome{idproof.OutcomePass, idproof.OutcomeFailed, idproof.OutcomeNotPerformed, idproof.OutcomeReview}
)

func fetchFilter(req *fetchRequest) (idproof.SessionFilter, error) {
	q := req.Query
	f := idproof.SessionFilter{TenantID: req.TenantID, CommunityID: req.CommunityID, ID: q.ID,
		Name: q.Name, UID: q.UID, DVCID: q.DVCID}
	// Filters are compared with stored text: a filter that names nothing
	// matches nothing, but one that is not text is a mistake to report.
	if err := checkTexts("tenantId", f.TenantID, "communityId", f.CommunityID, "query.id", q.ID,
		"query.name", q.Name, "query.uid", q.UID, "query.dvcID", q.DVCID); err != nil {
		return f, err
	}
	if f.TenantID == "" {
		return f, errorf(idproof.EINVALID, "tenantId is required")
	}
	if f.CommunityID == "" {
		return f, errorf(idproof.EINVALID, "communityId is required")
	}
	// A page larger than the cap is served at the cap (the reply's
	// page.size says so) rather than refused: clients written for other
	// servers ask for whatever page size they are used to.
	size, index := min(req.PSize.Or(defaultPageSize), maxPageSize), req.PIndex.Or(0)
	if size < 1 {
		return f, errorf(idproof.EINVALID, "pSize must be at least 1 (at most %d are returned)", maxPageSize)
	}
	if index < 0 || index > 1_000_000 {
		return f, errorf(idproof.EINVALID, "pIndex must be between 0 and 1000000")
	}
	f.Limit, f.Offset = size, index*size
	// The document's example puts outcomes in status too: accept both.
	for _, v := range q.Status {
		v = strings.ToUpper(v)
		switch {
		case containsValue(sessionStatuses, v):
			f.Statuses = append(f.Statuses, idproof.SessionStatus(v))
		case containsValue(sessionOutcomes, v):
			f.StatusOutcomes = append(f.StatusOutcomes, idproof.Outcome(v))
		default:
			return f, errorf(idproof.EINVALID, "query.status %.40q is not a session status or outcome: use %s, %s, or several as \"A | B\"",
				v, joinValues(sessionStatuses), joinValues(sessionOutcomes))
		}
	}
	for _, v := range q.OverallRecommendation {
		v = strings.ToUpper(v)
		if !containsValue(sessionOutcomes, v) {
			return f, errorf(idproof.EINVALID, "query.overallRecommendation %.40q is not an outcome: use %s, or several as \"A | B\"", v, joinValues(sessionOutcomes))
		}
		f.Outcomes = append(f.Outcomes, idproof.Outcome(v))
	}
	for _, v := range q.DocumentType {
		if !idproof.ValidDocumentType(v) {
			return f, errorf(idproof.EINVALID, "query.documentType %.40q is not one of dl_object, ppt_object, idcard_object (several: \"A | B\")", v)
		}
		f.DocumentTypes = append(f.DocumentTypes, v)
	}
	// A list naming every status (as the document's example does) keeps
	// every session: drop it rather than make the store check each row.
	if coversAll(f.Statuses, sessionStatuses) {
		f.Statuses, f.StatusOutcomes = nil, nil
	}
	if coversAll(f.DocumentTypes, []string{idproof.DocDriversLicense, idproof.DocPassport, idproof.DocIDCard}) {
		f.DocumentTypes = nil
	}
	var err error
	if f.CreatedFrom, err = fetchDate("query.startDate", q.StartDate, false); err != nil {
		return f, err
	}
	if f.CreatedTo, err = fetchDate("query.endDate", q.EndDate, true); err != nil {
		return f, err
	}
	for name, v := range map[string]string{"query.name": q.Name, "query.uid": q.UID, "query.id": q.ID, "query.dvcID": q.DVCID} {
		if len(v) > 256 {
			return f, errorf(idproof.EINVALID, "%s is longer than 256 characters", name)
		}
	}
	return f, nil
}

func containsValue[T ~string](list []T, v string) bool {
	for _, x := range list {
		if string(x) == v {
			return true
		}
	}
	return false
}

// coversAll reports whether list names every value of all.
func coversAll[T ~string](list, all []T) bool {
	for _, v := range all {
		if !slices.Contains(list, v) {
			return false
		}
	}
	return true
}

func joinValues[T ~string](list []T) string { return strings.Join(idproof.Strings(list), ", ") }

// fetchDate reads "YYYY-MM-DD HH:mm:ss.SSS" (UTC), with the time part
// optional; a bare end date covers its whole day.
func fetchDate(field, v string, end bool) (time.Time, error) {
	if v == "" {
		return time.Time{}, nil
	}
	for _, layout := range []string{"2006-01-02 15:04:05.000", "2006-01-02 15:04:05", "2006-01-02T15:04:05.000Z07:00", time.RFC3339} {
		if t, err := time.Parse(layout, v); err == nil {
			return t.UTC(), nil
		}
	}
	if t, err := time.Parse("2006-01-02", v); err == nil {
		if end {
			t = t.Add(24*time.Hour - time.Millisecond)
		}
		return t, nil
	}
	return time.Time{}, errorf(idproof.EINVALID, "%s must look like 2024-12-19 23:59:59.000 (UTC)", field)
}
