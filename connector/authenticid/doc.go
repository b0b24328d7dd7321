// Package authenticid is the connector for AuthenticID (now HID Identity
// Verification): CFAir, the server-to-server document authentication API,
// and CFWeb, the vendor-hosted capture flow ("scan sessions").
//
// # What runs when
//
// Verify always uses CFAir: our own capture page collects the images, so
// they are posted to POST https://{airAPI}/AirApi/2.0/AuthenticateDocument.
// The CFWeb functions (Login, StartVerification, Status, MapStatus,
// ParsePostback) are a library the server uses for vendor-hosted capture,
// when document_share_session_enabled is set; Verify never calls them.
//
// # CFAir request
//
// A multipart/form-data body with the front image in part FrontImage and,
// when there is one, the back image in part BackImage (file parts named
// front/back with the detected image type). Metadata and credentials go in
// headers: AccountAccessKey (airAccessKey), SecretToken (airSecretToken),
// RequestIdentifier, DeviceType "Web" (the images come from a browser), and
// DocumentType (verification.config.document_type; when it is not set,
// "11" for a passport session and "00" otherwise). RequestIdentifier is the
// session id; a retry sends "{session id}-{attempt}" so that the vendor
// never mistakes a new capture for a replay of the first one.
//
// # Mapping to the taxonomy
//
// The document checks are document_liveness_front, document_liveness_back
// and fraud_detection; CFAir's single authentication decision answers all
// three. The decision word is the response's AuthenticationResult, or its
// SegmentName when that is empty; CFWeb transactions carry segmentName.
//
//	vendor answer                                    verdict
//	transport error, timeout, HTTP 401/403/5xx/other  error (engine: NOT_PERFORMED IDV0020)
//	empty body, not a JSON object, ErrorCodes set     error
//	no ActionCodes.code                               error
//	a fail word (below), whatever the action code     FAIL IDV0010, not retryable
//	ActionCodes.code != action_code (rescan)          document checks FAIL IDV0010, Retryable
//	code = action_code and Passed/Pass/Verified/Approved    document checks PASS
//	code = action_code and Failed/Fail/Fraud/Rejected/Declined  FAIL IDV0010
//	code = action_code and Attention/Review/Caution/Uncertain/Suspicious
//	                                                  NOT_PERFORMED IDV0023, Review
//	code = action_code and Unknown, empty or anything else  error
//	no front image                                    every check NOT_PERFORMED IDV0016, no call
//	document_liveness_back without a back image       that check NOT_PERFORMED IDV0016
//	selfie_liveness, face_compare, unknown checks     NOT_PERFORMED IDV0022
//
// CFWeb (MapStatus) looks at the latest transaction (highest sequenceNumber):
//
//	COMPLETED, code = action_code, segment empty or a pass word,
//	  no failIDEThreshold entry                       document checks PASS
//	COMPLETED with a fail word or failIDEThreshold entries, whatever the code
//	                                                  FAIL IDV0010
//	COMPLETED with a review word                      NOT_PERFORMED IDV0023, Review
//	COMPLETED with another code (rescan)              FAIL IDV0010, Retryable
//	COMPLETED without a code, or an unknown word      error
//	FAILED (the transaction, or the request when no transaction is final)
//	                                                  FAIL IDV0010
//	EXPIRED (the transaction, or the request when no transaction is final)
//	                                                  NOT_PERFORMED IDV0030
//	anything else                                     ErrPending
//
// A review is reported as NOT_PERFORMED with Review set, not as passing
// checks, so a caller that overlooks Review still cannot read it as a pass.
//
// Extracted fields (DQL_Final_*_Result, DQL_Classification_*, and the same
// names without the DQL_Final_/_Result wrapping that CFWeb pii and CFAir
// DocumentEncoding use) fill idproof.DocumentData. Every field, known or not,
// stays in Verdict.Raw, which is the vendor's response body as received.
//
// # Configuration
//
// connector.config: airAccessKey, airSecretToken and airAPI (a host or an
// https URL) are required. faceAPI, faceAPIKey and documentLivenessCheckAPI
// are accepted and their URLs checked, but not called (see gaps). With
// document_share_session_enabled (a boolean, or the string "true"/"false")
// cfweb_url, cfweb_cert, cfweb_key and accountCode are required;
// cfweb_channelConfiguration (an object) is passed through verbatim and
// cfweb_channelResponse lists the DQL names to return. timeoutSeconds bounds
// each vendor call (default 30, at most 300). verification.config: action_code
// (a number, required: the code that means "no rescan suggested", 99 in the
// vendor's examples) and document_type ("00", "01" or "11").
//
// cfweb_cert and cfweb_key are the CFWeb login credentials, sent as username
// and password to POST {cfweb_url}/api/login, which answers {jwt}. The
// DaVinci connector calls its CFWeb credentials a client certificate and key,
// so some deployments may authenticate with mutual TLS instead; that is not
// supported, and a PEM block in either field is refused rather than sent as
// a password.
//
// # Gaps in the public material
//
//   - The CFAir multipart part names are not published; FrontImage and
//     BackImage are assumed. DeviceType values are not published either.
//   - Where CFAir states its overall decision is not published: the
//     AuthenticationResult and SegmentName words above are the assumption,
//     and segment names are configured per account. A word not in the table
//     is an error, never a pass.
//   - The meaning of ErrorCodes entries is not published; any entry is
//     treated as a vendor error.
//   - The meaning of most DQL_* fields is not published: only the name,
//     date, document and address fields are mapped; the rest stay in Raw.
//     Date formats vary (the examples show 21/May/1987); dates in an
//     unambiguous format become YYYY-MM-DD, others (such as 05/06/1987) are
//     left out of DocumentData and kept in Raw.
//   - document_type codes beyond 00, 01 and 11 are not published and are
//     refused.
//   - The face match call (faceAPI) has no published request format, so
//     selfie_liveness and face_compare are NOT_PERFORMED IDV0022 in both
//     flows; the same holds for documentLivenessCheckAPI.
//   - The CFWeb status call is assumed to be GET {cfweb_url}/api/status?
//     requestID=... with the Bearer jwt; in-progress status names are not
//     published, so every status other than COMPLETED, FAILED and EXPIRED
//     is pending.
package authenticid
