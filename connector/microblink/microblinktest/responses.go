package microblinktest

import "strings"

// Scenario chooses the fake's answer.
type Scenario string

// Scenarios. Vendor outcomes have a v2 answer; those with a v1 equivalent
// (Accept = PASS, Reject = FAIL, Undeterminable = NOT_PERFORMED,
// NotCompleted) have a v1 answer too. The rest answer either version.
const (
	Accept                 Scenario = "accept"
	AcceptLivenessNotDone  Scenario = "accept-liveness-not-performed"
	Reject                 Scenario = "reject"
	Retry                  Scenario = "retry"
	ManuallyReview         Scenario = "manually-review"
	Undeterminable         Scenario = "undeterminable"
	NotCompleted           Scenario = "not-completed"     // processingStatus is not Completed
	UnknownOutcome         Scenario = "unknown-outcome"   // a recommendedOutcome the docs do not list
	MissingOutcome         Scenario = "missing-outcome"   // verification without recommendedOutcome
	Unauthorized           Scenario = "unauthorized"      // 401 whatever the credentials
	Forbidden              Scenario = "forbidden"         // 403
	ServerError            Scenario = "server-error"      // 500
	Slow                   Scenario = "slow"              // an Accept after Delay
	Malformed              Scenario = "malformed"         // 200 with truncated JSON
	Empty                  Scenario = "empty"             // 200 with no body
	Oversized              Scenario = "oversized"         // 200 with an 11 MiB body
	WrongShape             Scenario = "wrong-shape"       // 200 with JSON of the wrong types
	V1MissingOverallResult Scenario = "v1-missing-result" // v1 without overallFraudCheck.result
)

// Extracted data every successful fixture carries.
const (
	FirstName      = "JANE"
	LastName       = "DOE"
	DocumentNumber = "D1234567"
	DateOfBirth    = "1990-04-12"
	DateOfExpiry   = "2030-04-12"
)

// v2 builds a v2 answer; fields are raw JSON.
func v2(status, outcome, result, checks, messages string) string {
	return `{"processingStatus":"` + status + `",
"verification":{"recommendedOutcome":"` + outcome + `","result":"` + result + `","certaintyLevel":"High","performedChecks":12,"type":"DetailedCheck"},
"checks":[` + checks + `],
"processIndicators":[{"name":"HandPresence","result":"Pass"}],
"extraction":{"processingStatus":"Success","recognitionStatus":"Valid","overall":[
 {"field":"FirstName","value":"` + FirstName + `"},{"field":"LastName","value":"` + LastName + `"},
 {"field":"FullName","value":"` + FirstName + " " + LastName + `"},{"field":"DocumentNumber","value":"` + DocumentNumber + `"},
 {"field":"DateOfBirth","value":{"day":12,"month":4,"year":1990}},{"field":"DateOfExpiry","value":"` + DateOfExpiry + `"},
 {"field":"Sex","value":"F"},{"field":"Nationality","value":"USA"},{"field":"Address","value":"1 MAIN ST, ANYTOWN"}]},
"messages":[` + messages + `],
"runtime":{"traceId":"fake-trace","version":"fake"}}`
}

func check(name, result string, subs ...string) string {
	return `{"name":"` + name + `","result":"` + result + `","certaintyLevel":"High","checks":[` + strings.Join(subs, ",") + `]}`
}

func leaf(name, result string) string { return `{"name":"` + name + `","result":"` + result + `"}` }

func message(code, text string) string {
	return `{"code":"` + code + `","message":"` + text + `","status":"Info"}`
}

// v1 builds a v1 envelope; the sub-checks are raw JSON.
func v1(status, overall, data, liveness, visual, validity, quality string) string {
	return `{"traceId":"fake-trace","startTime":"2024-01-01T00:00:00Z","finishTime":"2024-01-01T00:00:02Z",
"version":{"apiVersion":"1","coreVersion":"fake"},
"data":{"processingStatus":"` + status + `",
"overallFraudCheck":{"performedChecks":12,"result":{"result":"` + overall + `","certaintyLevel":"HIGH"}},
"dataCheck":` + data + `,"documentLivenessCheck":` + liveness + `,"visualCheck":` + visual + `,
"documentValidityCheck":` + validity + `,"imageQualityCheck":` + quality + `,
"extractionResult":{"firstName":{"latin":"` + FirstName + `"},"lastName":{"latin":"` + LastName + `"},
 "fullName":{"latin":"` + FirstName + " " + LastName + `"},"documentNumber":{"latin":"` + DocumentNumber + `"},
 "dateOfBirth":{"day":12,"month":4,"year":1990,"successfullyParsed":true,"originalString":{"latin":"04/12/1990"}},
 "dateOfExpiry":{"day":12,"month":4,"year":2030,"successfullyParsed":true},
 "sex":{"latin":"F"},"nationality":{"latin":"USA"},
 "classInfo":{"country":"COUNTRY_USA","isoAlpha3CountryCode":"USA"},
 "barcode":{"address":"1 MAIN ST, ANYTOWN"},"processingStatus":"SUCCESS"}},
"executionId":"fake"}`
}

func v1Data(result, match string) string {
	return `{"overall":{"result":"` + result + `","certaintyLevel":"HIGH"},
"matchCheck":{"overall":{"result":"` + result + `"},"firstNameMatch":{"type":"FIRST_NAME","check":{"result":"` + match + `"}}},
"dataIntegrityCheck":"` + result + `"}`
}

func v1Liveness(r string) string {
	return `{"overall":"` + r + `","screenCheck":{"result":"` + r + `","matchLevel":"LEVEL_5","satisfiedMatchLevel":"LEVEL_5"},
"photocopyCheck":{"result":"` + r + `","matchLevel":"LEVEL_5"},"handPresenceCheck":"` + r + `"}`
}

func v1Visual(r, forgery string) string {
	return `{"overall":"` + r + `","photoForgeryCheck":"` + forgery + `","securityFeatures":{"processingStatus":"` + r + `","score":0.9,"overall":"` + r + `"}}`
}

const (
	v1ValidityPass = `{"expiredCheck":"PASS","versionCheck":"NOT_PERFORMED"}`
	v1QualityPass  = `{"blurCheck":"PASS"}`
)

var (
	acceptChecks = check("ExtractedDataCheck", "Pass", leaf("LogicCheck", "Pass"), leaf("BarcodeAuthenticity", "NotPerformed")) + "," +
		check("VisualCheck", "Pass", leaf("PhotoForgeryCheck", "Pass")) + "," +
		check("DocumentLivenessCheck", "Pass", leaf("ScreenCheck", "Pass"), leaf("PhotocopyCheck", "Pass"))
	notPerformedChecks = check("ExtractedDataCheck", "NotPerformed") + "," + check("VisualCheck", "NotPerformed") + "," +
		check("DocumentLivenessCheck", "NotPerformed")
)

// responses holds each scenario's answer per API version.
var responses = map[Scenario]map[int]string{
	Accept: {
		2: v2("Completed", "Accept", "Pass", acceptChecks, message("I001", "All checks completed")),
		1: v1("COMPLETED", "PASS", v1Data("PASS", "PASS"), v1Liveness("PASS"), v1Visual("PASS", "PASS"), v1ValidityPass, v1QualityPass),
	},
	AcceptLivenessNotDone: {
		2: v2("Completed", "Accept", "Pass", check("ExtractedDataCheck", "Pass")+","+check("VisualCheck", "Pass")+","+
			check("DocumentLivenessCheck", "NotPerformed"), ""),
	},
	Reject: {
		2: v2("Completed", "Reject", "Fail", check("ExtractedDataCheck", "Fail", leaf("LogicCheck", "Fail"))+","+
			check("VisualCheck", "Fail", leaf("PhotoForgeryCheck", "Fail"))+","+check("DocumentLivenessCheck", "Pass"),
			message("I002", "Document is not genuine")),
		1: v1("COMPLETED", "FAIL", v1Data("FAIL", "FAIL"), v1Liveness("PASS"), v1Visual("FAIL", "FAIL"), v1ValidityPass, v1QualityPass),
	},
	Retry: {
		2: v2("Completed", "Retry", "NotPerformed", notPerformedChecks, message("W005", "Image quality is too low for a verdict")),
	},
	ManuallyReview: {
		2: v2("Completed", "ManuallyReview", "Fail", check("ExtractedDataCheck", "Pass")+","+
			check("VisualCheck", "Fail", leaf("PhotoForgeryCheck", "Fail"))+","+check("DocumentLivenessCheck", "Pass"), ""),
	},
	Undeterminable: {
		2: v2("Completed", "Undeterminable", "NotPerformed", notPerformedChecks, message("E001", "No result")),
		1: v1("COMPLETED", "NOT_PERFORMED", v1Data("NOT_PERFORMED", "NOT_PERFORMED"), v1Liveness("NOT_PERFORMED"),
			v1Visual("NOT_PERFORMED", "NOT_PERFORMED"), `{"expiredCheck":"NOT_PERFORMED"}`, `{"blurCheck":"FAIL"}`),
	},
	NotCompleted: {
		2: v2("ExtractionFailed", "Undeterminable", "NotPerformed", notPerformedChecks, message("E003", "Extraction failed")),
		1: v1("NOT_AVAILABLE", "PASS", v1Data("PASS", "PASS"), v1Liveness("PASS"), v1Visual("PASS", "PASS"), v1ValidityPass, v1QualityPass),
	},
	UnknownOutcome: {2: v2("Completed", "Approve", "Pass", acceptChecks, "")},
	MissingOutcome: {2: `{"processingStatus":"Completed","verification":{"result":"Pass"},"checks":[]}`},
	WrongShape: {
		2: `{"processingStatus":"Completed","verification":{"recommendedOutcome":"Accept"},"checks":"all good"}`,
		1: `{"data":{"processingStatus":"COMPLETED","overallFraudCheck":{"result":"PASS"}}}`,
	},
	V1MissingOverallResult: {1: `{"traceId":"t","data":{"processingStatus":"COMPLETED","overallFraudCheck":{"performedChecks":3}}}`},
}

// Body returns the answer a vendor-outcome scenario gives in an API
// version (1 or 2), for tests that parse answers without a server.
func Body(sc Scenario, version int) (string, bool) {
	b, ok := responses[sc][version]
	return b, ok
}
