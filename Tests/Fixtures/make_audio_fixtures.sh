#!/usr/bin/env bash
# Regenerates the sample clips in Audio/ (see Audio/README.md for provenance and licences).
# Needs: espeak-ng, sox, ffmpeg, asterisk-core-sounds-en-g722, asterisk-core-sounds-en,
#        tuxpaint-stamps-default (Debian). Deterministic except espeak-ng/ffmpeg version drift.
#   bash Tests/Fixtures/make_audio_fixtures.sh
set -euo pipefail
cd "$(dirname "$0")/../../Audio"
export SOX_OPTS=-R   # repeatable dither and noise
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
sounds=/usr/share/asterisk/sounds/en
texts=/usr/share/doc/asterisk-core-sounds-en/core-sounds-en.txt.gz
prompt_text() { zcat "$texts" | grep "^$1:" | sed "s/^$1: *//; s/ *$//"; }

# 1. Synthetic English speech, espeak-ng en-us, 16 kHz 16-bit mono.
text="The quick brown fox jumps over the lazy dog. Attend finds every word in time."
espeak-ng -v en-us -s 150 -w "$tmp/espeak.wav" "$text"
sox "$tmp/espeak.wav" -r 16000 -c 1 -b 16 espeak_en_16k.wav
echo "$text" > espeak_en_16k.txt

# 2. Real English speech (Allison Smith, Asterisk prompt), G.722 decoded to 16 kHz 16-bit mono.
ffmpeg -loglevel error -y -f g722 -i "$sounds/conf-onlyperson.g722" -ar 16000 -ac 1 -c:a pcm_s16le \
    -map_metadata -1 -fflags +bitexact "$tmp/real.wav"
sox "$tmp/real.wav" -b 16 asterisk_conf_onlyperson_16k.wav
prompt_text conf-onlyperson > asterisk_conf_onlyperson_16k.txt

# 3. The same with sox pink noise mixed in at 5 dB SNR (RMS over the whole clip); -R: repeatable noise.
dur=$(soxi -D asterisk_conf_onlyperson_16k.wav)
sox -R -n -r 16000 -c 1 -b 16 "$tmp/pink.wav" synth "$dur" pinknoise
rms() { sox "$1" -n stat 2>&1 | awk '/RMS +amplitude/ {print $3}'; }
gain=$(awk -v s="$(rms asterisk_conf_onlyperson_16k.wav)" -v n="$(rms "$tmp/pink.wav")" 'BEGIN { printf "%.6f", s / n / 10^(5/20) }')
sox -R -m -v 1 asterisk_conf_onlyperson_16k.wav -v "$gain" "$tmp/pink.wav" -b 16 asterisk_conf_onlyperson_16k_pink5db.wav
cp asterisk_conf_onlyperson_16k.txt asterisk_conf_onlyperson_16k_pink5db.txt

# 4. Real speech as 44.1 kHz stereo FLAC: left the prompt, right the same 6 dB down and 0.5 ms late.
ffmpeg -loglevel error -y -f g722 -i "$sounds/tt-weasels.g722" -ar 16000 -ac 1 -c:a pcm_s16le "$tmp/w.wav"
sox "$tmp/w.wav" -r 44100 "$tmp/l.wav"
sox "$tmp/l.wav" "$tmp/r.wav" vol 0.5 delay 0.0005
sox -R -M -v 1 "$tmp/l.wav" -v 1 "$tmp/r.wav" -b 16 asterisk_tt_weasels_44k_stereo.flac trim 0 "$(soxi -D "$tmp/l.wav")"
prompt_text tt-weasels > asterisk_tt_weasels_44k_stereo.txt

# 5. Real speech as shipped: Tux Paint stamp description, 44.1 kHz mono Ogg Vorbis.
stamp=/usr/share/tuxpaint/stamps/animals/mammals/hippopotamus
cp "$stamp""_desc.ogg" tuxpaint_hippopotamus_44k.ogg
head -n 1 "$stamp.txt" > tuxpaint_hippopotamus_44k.txt

ls -l
