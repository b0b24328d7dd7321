package httpapi

import "net/http"

// route is one line of the route table.
type route struct {
	pattern string // "METHOD /path" as understood by http.ServeMux
	class   class
	handle  handlerFunc
	// sealReply: when the request body came enveloped, the reply is sealed
	// too (the clients of these endpoints expect {data, publicKey}).
	sealReply bool
	// maxBody overrides the server's body limit (images sent inline).
	maxBody int64
	// idempotent: the route creates, and honours an Idempotency-Key
	// (its handler reads any body with decode and answers with reply).
	idempotent bool
}

// inlineImagesBody fits three images of the intake limit, base64-encoded.
const inlineImagesBody = 64 << 20

// livenessBody fits a burst of liveness frames of their size limit,
// base64-encoded.
const livenessBody = 18 << 20

// routes is the whole API surface. The access class of each line is the
// decision table of the API contract.
func (s *Server) routes() []route {
	return []route{
		{pattern: "GET /healthz", class: public, handle: s.healthz},
		{pattern: "GET /publickeys", class: public, handle: s.publicKeys},
		{pattern: "GET /environment", class: public, handle: s.environment},
		{pattern: "GET /sd", class: public, handle: s.serviceDirectory},
		{pattern: "GET /info", class: licensed, handle: s.info},
		{pattern: "POST /ecdsa_helper", class: public, handle: s.ecdsaHelper, maxBody: helperBodyLimit},
		{pattern: "POST /ecdsa_helper/{method}", class: public, handle: s.ecdsaHelper, maxBody: helperBodyLimit},
		{pattern: "GET /servicekeys", class: system, handle: s.serviceKeys},
		// {keyId...}: a keyId is base64 and may contain '/', escaped or not.
		{pattern: "DELETE /servicekey/{keyId...}", class: system, handle: s.rotateServiceKey},

		// Sessions, for the relying party.
		{pattern: "POST /document_share_session/create", class: service, handle: s.createSession, idempotent: true},
		{pattern: "POST /document_share_session/result", class: service, handle: s.sessionResult, sealReply: true},
		{pattern: "POST /v3/document_share_session/result", class: service, handle: s.sessionResultV3, sealReply: true},
		{pattern: "POST /proofingsession/fetch", class: service, handle: s.fetchSessions},
		// Beyond the API document: a reviewer's decision, redaction on
		// request, and the audit trail.
		{pattern: "POST /proofingsession/{sessionId}/review", class: service, handle: s.reviewSession, idempotent: true},
		{pattern: "POST /proofingsession/{sessionId}/redact", class: service, handle: s.redactSession, idempotent: true},
		{pattern: "GET /proofingsession/{sessionId}/audit", class: service, handle: s.sessionAudit},
		{pattern: "POST /verify", class: service, handle: s.verifyDocument, sealReply: true, maxBody: inlineImagesBody, idempotent: true},

		// Sessions, for the end user's browser (the session id is the capability).
		{pattern: "GET /proofingsession/{sessionId}", class: session, handle: s.sessionDetails},
		{pattern: "GET /proofingsession/{sessionId}/start", class: session, handle: s.startSession},
		{pattern: "GET /proofingsession/{sessionId}/validate", class: session, handle: s.validateSession},
		{pattern: "GET /proofingsession/{sessionId}/complete", class: session, handle: s.completeSession},
		{pattern: "GET /proofingsession/{sessionId}/decline", class: session, handle: s.declineSession},
		{pattern: "GET /proofingsession/{sessionId}/retry", class: session, handle: s.retrySession},
		{pattern: "GET /proofingsession/{sessionId}/retry/cancel", class: session, handle: s.cancelRetry},
		{pattern: "POST /proofingsession/{sessionId}/submit/event/{eventName}", class: session, handle: s.sessionEvent},

		// Evidence: presigned uploads and submissions.
		{pattern: "POST /presignedurls/{sessionId}", class: session, handle: s.presignURLs},
		{pattern: "POST /proofingsession/{sessionId}/submit/verification/{name}", class: session, handle: s.submitVerification, maxBody: inlineImagesBody},
		{pattern: "POST /proofingsession/{sessionId}/submit/document", class: session, handle: s.submitDocumentUploaded},
		// v2 sends images inline, v3 names uploaded objects; either body works on both.
		{pattern: "POST /proofingsession/{sessionId}/v2/submit/document", class: session, handle: s.submitDocumentBody, maxBody: inlineImagesBody},
		{pattern: "POST /proofingsession/{sessionId}/v3/submit/document", class: session, handle: s.submitDocumentBody, maxBody: inlineImagesBody},
		{pattern: "POST /proofingsession/{sessionId}/upload/cancel", class: session, handle: s.uploadCancel},
		// Active liveness (not in the API document): the server's challenge
		// and the burst of frames filmed while the person answers it.
		{pattern: "GET /proofingsession/{sessionId}/liveness/challenge", class: session, handle: s.livenessChallenge},
		{pattern: "POST /proofingsession/{sessionId}/liveness/frames", class: session, handle: s.livenessFrames, maxBody: livenessBody},

		// Buckets.
		{pattern: "GET /bucket/tenant/{tenantId}/community/{communityId}", class: service, handle: s.getBucket},
		{pattern: "PUT /bucket/tenant/{tenantId}/community/{communityId}", class: service, handle: s.putBucket},
		// The embedded local bucket's presigned URLs (the signature is the credential).
		// It enforces its own object size limit, so the API's body limit is lifted.
		{pattern: "/blob/", class: public, handle: s.serveLocalBlob, maxBody: 1 << 40},

		// The hosted capture flow: the page at each session's URL, its
		// assets, and what the page asks of its own server besides the API.
		{pattern: "GET /idproofing/session/{sessionId}", class: public, handle: s.capturePage},
		{pattern: "GET /idproofing/session/{sessionId}/qr.svg", class: public, handle: s.captureQR},
		{pattern: "GET /idproofing/session/{sessionId}/status", class: public, handle: s.captureStatus},
		{pattern: "GET /idproofing/assets/{path...}", class: public, handle: s.captureAsset},
		// Preflight of relying parties' own capture pages (CORS, per community).
		{pattern: "OPTIONS /proofingsession/{sessionId}", class: public, handle: s.preflight},
		{pattern: "OPTIONS /proofingsession/{sessionId}/{rest...}", class: public, handle: s.preflight},
		{pattern: "OPTIONS /presignedurls/{sessionId}", class: public, handle: s.preflight},
		{pattern: "OPTIONS /proofingtemplates/{sessionId}", class: public, handle: s.preflight},

		// Webhooks.
		{pattern: "POST /webhooks/tenant/{tenantId}/community/{communityId}", class: service, handle: s.createWebhook, idempotent: true},
		{pattern: "GET /webhooks/tenant/{tenantId}/community/{communityId}", class: service, handle: s.webhooks},
		{pattern: "GET /webhooks/tenant/{tenantId}/community/{communityId}/id/{id}", class: service, handle: s.getWebhook},
		{pattern: "PATCH /webhooks/tenant/{tenantId}/community/{communityId}/id/{id}", class: service, handle: s.updateWebhook},
		{pattern: "DELETE /webhooks/tenant/{tenantId}/community/{communityId}/id/{id}", class: service, handle: s.deleteWebhook},
		{pattern: "GET /webhooks/tenant/{tenantId}/community/{communityId}/deliveries", class: service, handle: s.webhookDeliveries},
		{pattern: "GET /webhooks/tenant/{tenantId}/community/{communityId}/deliveries/{deliveryId}", class: service, handle: s.webhookDelivery},
		{pattern: "POST /webhooks/tenant/{tenantId}/community/{communityId}/deliveries/{deliveryId}/resend", class: service, handle: s.resendWebhookDelivery},

		// Signed results.
		{pattern: "GET /.well-known/jwks.json", class: public, handle: s.jwks},

		// This API's own description.
		{pattern: "GET /openapi.json", class: public, handle: s.openAPI},

		// Proofing templates.
		{pattern: "GET /proofingtemplates/{sessionId}", class: sessionOrLicense, handle: s.sessionTemplates},
		{pattern: "PUT /proofingtemplates/tenant/{tenantId}/community/{communityId}", class: licensed, handle: s.createTemplate, maxBody: templateBodyLimit},
		{pattern: "PATCH /proofingtemplates/tenant/{tenantId}/community/{communityId}/dvcId/{dvcId}", class: serviceExt, handle: s.updateTemplateByDVC, maxBody: templateBodyLimit},
		{pattern: "PATCH /proofingtemplates/tenant/{tenantId}/community/{communityId}/id/{id}", class: licensed, handle: s.updateTemplate, maxBody: templateBodyLimit},
		{pattern: "DELETE /proofingtemplates/tenant/{tenantId}/community/{communityId}/id/{id}", class: licensed, handle: s.deleteTemplate},

		// Administration (not in the API document): tenants, communities,
		// licenses and verification configurations.
		{pattern: "POST /admin/tenants", class: system, handle: s.adminCreateTenant, idempotent: true},
		{pattern: "GET /admin/tenants", class: system, handle: s.adminTenants},
		{pattern: "POST /admin/tenants/{tenantId}/communities", class: system, handle: s.adminCreateCommunity, idempotent: true},
		{pattern: "GET /admin/tenants/{tenantId}/communities", class: system, handle: s.adminCommunities},
		{pattern: "POST /admin/licenses", class: system, handle: s.adminCreateLicense, idempotent: true},
		{pattern: "GET /admin/licenses", class: system, handle: s.adminLicenses},
		{pattern: "POST /admin/licenses/{id}/disable", class: system, handle: s.adminDisableLicense},
		{pattern: "POST /admin/licenses/{id}/expire", class: system, handle: s.adminExpireLicense},
		{pattern: "PUT /admin/dvcs/tenant/{tenantId}/community/{communityId}/name/{name}", class: system, handle: s.adminPutDVC},
		{pattern: "GET /admin/dvcs/tenant/{tenantId}/community/{communityId}", class: system, handle: s.adminDVCs},
		{pattern: "GET /admin/dvcs/{dvcID}", class: system, handle: s.adminDVC},
		{pattern: "DELETE /admin/dvcs/{dvcID}", class: system, handle: s.adminDeleteDVC},
		{pattern: "GET /admin/capture/tenant/{tenantId}/community/{communityId}", class: system, handle: s.adminCaptureSettings},
		{pattern: "PUT /admin/capture/tenant/{tenantId}/community/{communityId}", class: system, handle: s.adminPutCaptureSettings},
	}
}

// mux builds the router. Unknown paths and wrong methods are answered by
// ServeMux itself; the middleware rewrites those answers into the API's
// error format, so a 405 stays a 405.
func (s *Server) mux() *http.ServeMux {
	m := http.NewServeMux()
	for _, rt := range s.routes() {
		m.Handle(rt.pattern, s.adapt(rt))
	}
	return m
}
