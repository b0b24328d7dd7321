package aamva

// The payloads below follow the element lists of the versions they carry;
// their values are made up.
const (
	// DL/ID-2000: one full name in DAA, dates year first, sex M/F, and a
	// 19-byte header without a jurisdiction version.
	payloadV1 = "@\n\x1e\rANSI 6360180101DL00290161" +
		"DLDAQ123456789\n" +
		"DAAPUBLIC,JOHN,QUINCY\n" +
		"DAG100 MAIN ST\n" +
		"DAIDES MOINES\n" +
		"DAJIA\n" +
		"DAK503090000\n" +
		"DARC\n" +
		"DASNONE\n" +
		"DATNONE\n" +
		"DBA20251231\n" +
		"DBB19700115\n" +
		"DBCM\n" +
		"DBD20170110\n" +
		"DAU600\n" +
		"DAYBLU\r"

	// 2005 (version 3): given names together in DCT.
	payloadV3 = "@\n\x1e\rANSI 636026030102DL00410197ZA02380012" +
		"DLDCAD\n" +
		"DCBNONE\n" +
		"DCDNONE\n" +
		"DBA03152027\n" +
		"DCSDOE\n" +
		"DCTJANE,ANN\n" +
		"DBD03152019\n" +
		"DBB03151981\n" +
		"DBC2\n" +
		"DAYGRN\n" +
		"DAU065 in\n" +
		"DAG1 N CENTRAL AVE\n" +
		"DAIPHOENIX\n" +
		"DAJAZ\n" +
		"DAK850040000\n" +
		"DAQD12345678\n" +
		"DCF0123456789ABCDEF\n" +
		"DCGUSA\n" +
		"DCHNONE\r" +
		"ZAZAAD\n" +
		"ZABN\r"

	// 2013 (version 8): separate names and truncation indicators.
	payloadV8 = "@\n\x1e\rANSI 636010080302DL00410266ZF03070030" +
		"DLDCAE\n" +
		"DCBNONE\n" +
		"DCDNONE\n" +
		"DBA09302030\n" +
		"DCSGARCIA\n" +
		"DACMARIA\n" +
		"DADELENA\n" +
		"DBD09302022\n" +
		"DBB09301995\n" +
		"DBC2\n" +
		"DAYBRO\n" +
		"DAU064 in\n" +
		"DAG400 S MONROE ST\n" +
		"DAITALLAHASSEE\n" +
		"DAJFL\n" +
		"DAK323990000\n" +
		"DAQG620123456780\n" +
		"DCFY123456789012\n" +
		"DCGUSA\n" +
		"DDEN\n" +
		"DDFN\n" +
		"DDGN\n" +
		"DAZBRO\n" +
		"DCK0123456789\n" +
		"DDAF\n" +
		"DDB01012021\n" +
		"DDD0\n" +
		"DDK1\r" +
		"ZFZFA\n" +
		"ZFBREPLACED\n" +
		"ZFC09302022\r"

	// Ontario: Canadian dates are year first in every version.
	payloadCanada = "@\n\x1e\rANSI 636012080001DL00310213" +
		"DLDCAG\n" +
		"DCBNONE\n" +
		"DCDNONE\n" +
		"DBA20310315\n" +
		"DCSTREMBLAY\n" +
		"DACLUC\n" +
		"DADNONE\n" +
		"DBD20260315\n" +
		"DBB19900315\n" +
		"DBC1\n" +
		"DAYBLU\n" +
		"DAU180 cm\n" +
		"DAG12 QUEEN ST W\n" +
		"DAITORONTO\n" +
		"DAJON\n" +
		"DAKM5H 2N2    \n" +
		"DAQT1234-56789-00315\n" +
		"DCFAB1234567\n" +
		"DCGCAN\n" +
		"DDEN\n" +
		"DDFN\n" +
		"DDGN\r"

	// An ID card (version 9) with sex "not specified".
	payloadIDCard = "@\n\x1e\rANSI 636001090101ID00310195" +
		"IDDCAD\n" +
		"DCBNONE\n" +
		"DCDNONE\n" +
		"DBA08012029\n" +
		"DCSLEE\n" +
		"DACCHRIS\n" +
		"DADNONE\n" +
		"DBD08012021\n" +
		"DBB12312000\n" +
		"DBC9\n" +
		"DAYHAZ\n" +
		"DAU070 in\n" +
		"DAG1 STATE ST\n" +
		"DAIALBANY\n" +
		"DAJNY\n" +
		"DAK122070000\n" +
		"DAQ987654321\n" +
		"DCFAB12CD34\n" +
		"DCGUSA\n" +
		"DDEN\n" +
		"DDFN\n" +
		"DDGN\r"
)
