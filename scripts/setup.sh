#!/usr/bin/env bash
# Sets attend up on a fresh Debian machine with Swift: installs the Debian packages, builds the
# release binary, and runs it on the sample audio in Audio/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
swift build -c release --product attend
attend=.build/release/attend
out=$(mktemp -d)
echo "== attend info Audio/asterisk_tt_weasels_44k_stereo.flac --json"
"$attend" info Audio/asterisk_tt_weasels_44k_stereo.flac --json
echo "== attend features Audio/espeak_en_16k.wav --kind logmel -o $out/logmel.npy"
"$attend" features Audio/espeak_en_16k.wav --kind logmel -o "$out/logmel.npy"
ls -l "$out/logmel.npy"
if ls Models/*.safetensors >/dev/null 2>&1; then
  echo "== attend denoise Audio/asterisk_conf_onlyperson_16k_pink5db.wav -o $out/denoised.wav"
  "$attend" denoise Audio/asterisk_conf_onlyperson_16k_pink5db.wav -o "$out/denoised.wav"
  "$attend" info "$out/denoised.wav"
  echo "== attend align Audio/asterisk_conf_onlyperson_16k.wav --transcript-file Audio/asterisk_conf_onlyperson_16k.txt"
  "$attend" align Audio/asterisk_conf_onlyperson_16k.wav --transcript-file Audio/asterisk_conf_onlyperson_16k.txt
else
  echo "(no trained model in Models/ yet: denoise/align/spot need --model; see README.md)"
fi
echo "outputs in $out"
