package aamva

// Jurisdiction is an authority that issues driver licenses and ID cards
// under an AAMVA issuer identification number.
type Jurisdiction struct {
	Code    string // postal or ISO 3166-2 subdivision code, e.g. "VA", "ON", "COA"
	Name    string // e.g. "Virginia"
	Country string // "USA", "CAN" or "MEX"
}

// LookupIIN returns the jurisdiction that owns an issuer identification
// number. The table covers the US states, DC and territories, the Canadian
// provinces and territories, and the Mexican states in AAMVA's published
// IIN list.
func LookupIIN(iin string) (Jurisdiction, bool) {
	j, ok := iins[iin]
	return j, ok
}

var iins = map[string]Jurisdiction{
	"636000": {"VA", "Virginia", "USA"},
	"636001": {"NY", "New York", "USA"},
	"636002": {"MA", "Massachusetts", "USA"},
	"636003": {"MD", "Maryland", "USA"},
	"636004": {"NC", "North Carolina", "USA"},
	"636005": {"SC", "South Carolina", "USA"},
	"636006": {"CT", "Connecticut", "USA"},
	"636007": {"LA", "Louisiana", "USA"},
	"636008": {"MT", "Montana", "USA"},
	"636009": {"NM", "New Mexico", "USA"},
	"636010": {"FL", "Florida", "USA"},
	"636011": {"DE", "Delaware", "USA"},
	"636012": {"ON", "Ontario", "CAN"},
	"636013": {"NS", "Nova Scotia", "CAN"},
	"636014": {"CA", "California", "USA"},
	"636015": {"TX", "Texas", "USA"},
	"636016": {"NL", "Newfoundland and Labrador", "CAN"},
	"636017": {"NB", "New Brunswick", "CAN"},
	"636018": {"IA", "Iowa", "USA"},
	"636019": {"GU", "Guam", "USA"},
	"636020": {"CO", "Colorado", "USA"},
	"636021": {"AR", "Arkansas", "USA"},
	"636022": {"KS", "Kansas", "USA"},
	"636023": {"OH", "Ohio", "USA"},
	"636024": {"VT", "Vermont", "USA"},
	"636025": {"PA", "Pennsylvania", "USA"},
	"636026": {"AZ", "Arizona", "USA"},
	"636028": {"BC", "British Columbia", "CAN"},
	"636029": {"OR", "Oregon", "USA"},
	"636030": {"MO", "Missouri", "USA"},
	"636031": {"WI", "Wisconsin", "USA"},
	"636032": {"MI", "Michigan", "USA"},
	"636033": {"AL", "Alabama", "USA"},
	"636034": {"ND", "North Dakota", "USA"},
	"636035": {"IL", "Illinois", "USA"},
	"636036": {"NJ", "New Jersey", "USA"},
	"636037": {"IN", "Indiana", "USA"},
	"636038": {"MN", "Minnesota", "USA"},
	"636039": {"NH", "New Hampshire", "USA"},
	"636040": {"UT", "Utah", "USA"},
	"636041": {"ME", "Maine", "USA"},
	"636042": {"SD", "South Dakota", "USA"},
	"636043": {"DC", "District of Columbia", "USA"},
	"636044": {"SK", "Saskatchewan", "CAN"},
	"636045": {"WA", "Washington", "USA"},
	"636046": {"KY", "Kentucky", "USA"},
	"636047": {"HI", "Hawaii", "USA"},
	"636048": {"MB", "Manitoba", "CAN"},
	"636049": {"NV", "Nevada", "USA"},
	"636050": {"ID", "Idaho", "USA"},
	"636051": {"MS", "Mississippi", "USA"},
	"636052": {"RI", "Rhode Island", "USA"},
	"636053": {"TN", "Tennessee", "USA"},
	"636054": {"NE", "Nebraska", "USA"},
	"636055": {"GA", "Georgia", "USA"},
	"636056": {"COA", "Coahuila", "MEX"},
	"636057": {"HID", "Hidalgo", "MEX"},
	"636058": {"OK", "Oklahoma", "USA"},
	"636059": {"AK", "Alaska", "USA"},
	"636060": {"WY", "Wyoming", "USA"},
	"636061": {"WV", "West Virginia", "USA"},
	"636062": {"VI", "US Virgin Islands", "USA"},
	"604426": {"PE", "Prince Edward Island", "CAN"},
	"604427": {"AS", "American Samoa", "USA"},
	"604428": {"QC", "Quebec", "CAN"},
	"604429": {"YT", "Yukon", "CAN"},
	"604430": {"MP", "Northern Mariana Islands", "USA"},
	"604431": {"PR", "Puerto Rico", "USA"},
	"604432": {"AB", "Alberta", "CAN"},
	"604433": {"NU", "Nunavut", "CAN"},
	// Alberta also issued cards under a number outside the ISO range.
	"990876": {"AB", "Alberta", "CAN"},
}
