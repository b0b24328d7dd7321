#!/usr/bin/env bash
# Regenerates the golden test data in face/testdata/golden: the model
# inputs cut from the test photos (Go), then the reference outputs computed
# by TensorFlow.js (Node). The npm packages are installed from the committed
# lockfile into a cache folder, not into the repository.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
cache="${IDPROOF_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/idproof-tools}/face-golden"
mkdir -p "$cache"
cp "$here/package.json" "$here/package-lock.json" "$here/golden.mjs" "$cache/"
(cd "$cache" && npm ci --no-audit --no-fund --ignore-scripts >/dev/null)
(cd "$root" && go run ./face/models/golden/mkinputs)
node "$cache/golden.mjs" "$root"
