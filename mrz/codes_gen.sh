#!/bin/sh
# Prints the ISO 3166-1 alpha-3 codes of Debian's iso-codes package, for
# the isoCodes table of codes.go.
python3 -c 'import json; print(" ".join(sorted(x["alpha_3"] for x in json.load(open("/usr/share/iso-codes/json/iso_3166-1.json"))["3166-1"])))'
