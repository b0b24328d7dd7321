package mrz

// The codes a zone may name as issuing state or nationality: ICAO Doc 9303
// Part 3 uses the ISO 3166-1 alpha-3 codes of states and territories and
// adds its own for Germany, the British nationality classes, international
// organisations and people without a nationality. The ISO list below is
// that of Debian's iso-codes 4.15 (regenerate with the command in
// codes_gen.sh when ISO assigns a new code).

// isoCodes are the ISO 3166-1 alpha-3 codes.
var isoCodes = map[string]struct{}{
	"ABW": {}, "AFG": {}, "AGO": {}, "AIA": {}, "ALA": {}, "ALB": {}, "AND": {}, "ARE": {}, "ARG": {}, "ARM": {}, "ASM": {}, "ATA": {}, "ATF": {}, "ATG": {}, "AUS": {}, "AUT": {},
	"AZE": {}, "BDI": {}, "BEL": {}, "BEN": {}, "BES": {}, "BFA": {}, "BGD": {}, "BGR": {}, "BHR": {}, "BHS": {}, "BIH": {}, "BLM": {}, "BLR": {}, "BLZ": {}, "BMU": {}, "BOL": {},
	"BRA": {}, "BRB": {}, "BRN": {}, "BTN": {}, "BVT": {}, "BWA": {}, "CAF": {}, "CAN": {}, "CCK": {}, "CHE": {}, "CHL": {}, "CHN": {}, "CIV": {}, "CMR": {}, "COD": {}, "COG": {},
	"COK": {}, "COL": {}, "COM": {}, "CPV": {}, "CRI": {}, "CUB": {}, "CUW": {}, "CXR": {}, "CYM": {}, "CYP": {}, "CZE": {}, "DEU": {}, "DJI": {}, "DMA": {}, "DNK": {}, "DOM": {},
	"DZA": {}, "ECU": {}, "EGY": {}, "ERI": {}, "ESH": {}, "ESP": {}, "EST": {}, "ETH": {}, "FIN": {}, "FJI": {}, "FLK": {}, "FRA": {}, "FRO": {}, "FSM": {}, "GAB": {}, "GBR": {},
	"GEO": {}, "GGY": {}, "GHA": {}, "GIB": {}, "GIN": {}, "GLP": {}, "GMB": {}, "GNB": {}, "GNQ": {}, "GRC": {}, "GRD": {}, "GRL": {}, "GTM": {}, "GUF": {}, "GUM": {}, "GUY": {},
	"HKG": {}, "HMD": {}, "HND": {}, "HRV": {}, "HTI": {}, "HUN": {}, "IDN": {}, "IMN": {}, "IND": {}, "IOT": {}, "IRL": {}, "IRN": {}, "IRQ": {}, "ISL": {}, "ISR": {}, "ITA": {},
	"JAM": {}, "JEY": {}, "JOR": {}, "JPN": {}, "KAZ": {}, "KEN": {}, "KGZ": {}, "KHM": {}, "KIR": {}, "KNA": {}, "KOR": {}, "KWT": {}, "LAO": {}, "LBN": {}, "LBR": {}, "LBY": {},
	"LCA": {}, "LIE": {}, "LKA": {}, "LSO": {}, "LTU": {}, "LUX": {}, "LVA": {}, "MAC": {}, "MAF": {}, "MAR": {}, "MCO": {}, "MDA": {}, "MDG": {}, "MDV": {}, "MEX": {}, "MHL": {},
	"MKD": {}, "MLI": {}, "MLT": {}, "MMR": {}, "MNE": {}, "MNG": {}, "MNP": {}, "MOZ": {}, "MRT": {}, "MSR": {}, "MTQ": {}, "MUS": {}, "MWI": {}, "MYS": {}, "MYT": {}, "NAM": {},
	"NCL": {}, "NER": {}, "NFK": {}, "NGA": {}, "NIC": {}, "NIU": {}, "NLD": {}, "NOR": {}, "NPL": {}, "NRU": {}, "NZL": {}, "OMN": {}, "PAK": {}, "PAN": {}, "PCN": {}, "PER": {},
	"PHL": {}, "PLW": {}, "PNG": {}, "POL": {}, "PRI": {}, "PRK": {}, "PRT": {}, "PRY": {}, "PSE": {}, "PYF": {}, "QAT": {}, "REU": {}, "ROU": {}, "RUS": {}, "RWA": {}, "SAU": {},
	"SDN": {}, "SEN": {}, "SGP": {}, "SGS": {}, "SHN": {}, "SJM": {}, "SLB": {}, "SLE": {}, "SLV": {}, "SMR": {}, "SOM": {}, "SPM": {}, "SRB": {}, "SSD": {}, "STP": {}, "SUR": {},
	"SVK": {}, "SVN": {}, "SWE": {}, "SWZ": {}, "SXM": {}, "SYC": {}, "SYR": {}, "TCA": {}, "TCD": {}, "TGO": {}, "THA": {}, "TJK": {}, "TKL": {}, "TKM": {}, "TLS": {}, "TON": {},
	"TTO": {}, "TUN": {}, "TUR": {}, "TUV": {}, "TWN": {}, "TZA": {}, "UGA": {}, "UKR": {}, "UMI": {}, "URY": {}, "USA": {}, "UZB": {}, "VAT": {}, "VCT": {}, "VEN": {}, "VGB": {},
	"VIR": {}, "VNM": {}, "VUT": {}, "WLF": {}, "WSM": {}, "YEM": {}, "ZAF": {}, "ZMB": {}, "ZWE": {},
}

// icaoCodes are the codes Doc 9303 Part 3 adds to ISO 3166-1.
var icaoCodes = map[string]string{
	"D":   "Germany",
	"GBD": "British Overseas Territories Citizen",
	"GBN": "British National (Overseas)",
	"GBO": "British Overseas Citizen",
	"GBP": "British Protected Person",
	"GBS": "British Subject",
	"RKS": "Kosovo",
	"EUE": "European Union",
	"UNO": "United Nations Organization",
	"UNA": "a specialized agency of the United Nations",
	"UNK": "resident of Kosovo, document of the UN mission",
	"XBA": "African Development Bank",
	"XIM": "African Export-Import Bank",
	"XCC": "Caribbean Community",
	"XCE": "Council of Europe",
	"XCO": "Common Market for Eastern and Southern Africa",
	"XEC": "Economic Community of West African States",
	"XPO": "International Criminal Police Organization",
	"XES": "Organisation of Eastern Caribbean States",
	"XMP": "Parliamentary Assembly of the Mediterranean",
	"XOM": "Sovereign Military Order of Malta",
	"XDC": "Southern African Development Community",
	"XXA": "stateless person",
	"XXB": "refugee (1951 Convention)",
	"XXC": "refugee (other)",
	"XXX": "unspecified nationality",
}

// SpecimenCode is the fictional state of Utopia whose documents illustrate
// Doc 9303: it is well formed, but no real document carries it.
const SpecimenCode = "UTO"

// KnownCode reports whether code (filler removed: "D" for Germany) names a
// state, territory, organisation or nationality class Doc 9303 allows, the
// specimen state included.
func KnownCode(code string) bool {
	if _, ok := isoCodes[code]; ok {
		return true
	}
	_, ok := icaoCodes[code]
	return ok || code == SpecimenCode
}
