package proofing

import (
	"encoding/json"

	"github.com/idproof/idproof"
)

// Views of a session for the API. Shapes follow the API document; field
// names are the document's, times are epoch milliseconds.

// workflowIDs reads workflowId and wfInstanceId from the workflow metadata.
func workflowIDs(d *Data) (wf, inst any) {
	var m map[string]any
	_ = json.Unmarshal(d.WorkflowMetadata, &m)
	return m["workflowId"], m["wfInstanceId"]
}

// Details is the reply of GET /proofingsession/{id}: what the capture page
// needs to run.
func Details(s *idproof.Session, d *Data) map[string]any {
	c := d.Settings.Capture
	wf, inst := workflowIDs(d)
	bypass := json.RawMessage("[]")
	if len(c.BypassConfig) > 0 {
		bypass = c.BypassConfig
	}
	return map[string]any{
		"status": s.Status, "user": s.User, "id": s.ID, "documentType": s.DocumentType,
		"license": c.License, "selfieCaptureMode": c.SelfieCaptureMode,
		"workflowId": wf, "wfInstanceId": inst,
		"useBucket": d.Settings.UseHighResolutionImages, "useHighResolutionImages": d.Settings.UseHighResolutionImages,
		"bypassConfig": bypass, "autoDetectTimeout": c.AutoDetectTimeout,
		"postTimeoutCaptureMode": c.PostTimeoutCaptureMode, "autoCaptureCountdownSeconds": c.AutoCaptureCountdownSeconds,
		"autoCaptureCountdownVisible": c.AutoCaptureCountdownVisible,
		"expiryTS":                    ms(s.ExpiresAt), "checks": d.Settings.Checks,
		"maxRetries": d.Settings.MaxRetries, "retriesLeft": max(0, d.Settings.MaxRetries-s.Retries),
		"redaction": RedactionStatus(d),
	}
}

// Validation is the reply of GET /proofingsession/{id}/validate: the
// details plus the verdict of the current attempt.
func Validation(s *idproof.Session, d *Data) map[string]any {
	out := Details(s, d)
	if v := d.Verdict; v != nil {
		out["validation"] = map[string]any{
			"resultStatus": v.Outcome, "reason": v.Reason, "message": v.Message, "checks": v.Checks,
			"retryable": v.Retryable, "attempt": v.Attempt, "sandbox": v.Sandbox,
		}
	}
	return out
}

// Record is the session record of start's reply and of listings.
func Record(s *idproof.Session, d *Data) map[string]any {
	rec := map[string]any{
		"_id": s.ID, "id": s.ID, "url": d.URL, "tenantDNS": s.TenantDNS, "tenantId": s.TenantID,
		"communityName": s.CommunityName, "communityId": s.CommunityID, "documentType": s.DocumentType,
		"status": s.Status, "did": s.DID, "dvcID": s.DVCID, "expiryTS": ms(s.ExpiresAt),
		"createdTS": ms(s.CreatedAt), "startedTS": ms(s.StartedAt), "completedTS": ms(s.CompletedAt),
		"resultStatus": s.Outcome, "user": s.User, "history": d.History, "retries": s.Retries,
		"redaction": RedactionStatus(d),
	}
	if d.Review != nil {
		rec["review"] = d.Review
	}
	if s.Status == idproof.StatusAbandoned {
		rec["abandonedTS"] = ms(s.CompletedAt)
	}
	if d.Reason != "" {
		rec["reason"], rec["message"] = d.Reason, d.Message
	}
	results := []any{}
	if v := d.Verdict; v != nil {
		results = append(results, map[string]any{"resultStatus": v.Outcome, "reason": v.Reason, "checks": v.Checks, "sandbox": v.Sandbox, "ts": v.TS})
	}
	rec["session-result"] = results
	return rec
}

// Submitted is the reply of submit/verification: what the session holds
// now for the current attempt.
func Submitted(s *idproof.Session, d *Data) map[string]any {
	images := map[string]any{}
	for name, ref := range d.Images {
		images[name] = map[string]any{"width": ref.Width, "height": ref.Height, "contentType": ref.ContentType, "bytes": ref.Bytes}
	}
	return map[string]any{"status": "RECEIVED", "sessionStatus": s.Status, "images": images}
}

// DeclineView is the reply of decline.
func DeclineView(s *idproof.Session) map[string]any {
	return map[string]any{"status": s.Status, "user": s.User, "id": s.ID, "documentType": s.DocumentType}
}
