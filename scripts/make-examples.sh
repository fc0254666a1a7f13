#!/usr/bin/env bash
# Regenerates the example audio in examples/ (synthetic speech from espeak-ng, so it carries no
# corpus licence): a 16 kHz mono WAV and an 8 kHz mu-law stereo "call" (agent left, customer right).
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
espeak-ng -v en-us -s 150 -w "$tmp/a.wav" "Thank you for calling. How can I help you today?"
espeak-ng -v en-us+f3 -s 175 -p 70 -w "$tmp/c.wav" "I have been waiting for three weeks and nobody called me back. This is unacceptable!"
sox "$tmp/c.wav" -r 16000 -c 1 -b 16 examples/speech.wav
# The call: agent then silence on the left, silence then customer on the right, as 8 kHz mu-law.
la=$(soxi -D "$tmp/a.wav"); lc=$(soxi -D "$tmp/c.wav")
sox "$tmp/a.wav" -r 8000 -c 1 "$tmp/left.wav" pad 0 "$lc"
sox "$tmp/c.wav" -r 8000 -c 1 "$tmp/right.wav" pad "$la" 0
sox -M "$tmp/left.wav" "$tmp/right.wav" -e mu-law -b 8 examples/call-8k-mulaw-stereo.wav
soxi examples/speech.wav examples/call-8k-mulaw-stereo.wav | grep -E 'Input|Channels|Sample Rate|Duration|Encoding'
