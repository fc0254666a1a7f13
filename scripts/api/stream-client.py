#!/usr/bin/env python3
"""Stream a WAV file to ser-server's /v1/stream and print every message the server sends (one JSON per line).

    .venv/bin/python scripts/api/stream-client.py ws://localhost:8080/v1/stream examples/call-8k-mulaw-stereo.wav \
        --roles agent,customer --realtime

The file's samples are sent as they are in the file (16-bit PCM, 32-bit float, mu-law or A-law; the
encoding, rate and channel count go in the query string), in chunks of --chunk-ms, paced in real time
with --realtime. Then {"type": "stop"}; the server answers with the last segments, the summary and a
1000 close. Needs the `websockets` package (in the project's .venv).
"""
import argparse
import json
import struct
import sys
import time
import urllib.parse

from websockets.sync.client import connect

ENCODINGS = {(1, 16): "pcm_s16le", (3, 32): "pcm_f32le", (7, 8): "mulaw", (6, 8): "alaw"}


def wav_samples(path):
    """(encoding, sample rate, channels, raw sample bytes) of a WAV file's data chunk."""
    with open(path, "rb") as f:
        data = f.read()
    if data[:4] != b"RIFF" or data[8:12] != b"WAVE":
        sys.exit(f"{path}: not a WAV file")
    position, fmt, samples = 12, None, None
    while position + 8 <= len(data):
        kind, size = data[position:position + 4], struct.unpack("<I", data[position + 4:position + 8])[0]
        body = data[position + 8:position + 8 + size]
        if kind == b"fmt ":
            tag, channels, rate = struct.unpack("<HHI", body[:8])
            bits = struct.unpack("<H", body[14:16])[0]
            if tag == 0xFFFE and len(body) >= 26:  # WAVE_FORMAT_EXTENSIBLE: the sub-format's tag
                tag = struct.unpack("<H", body[24:26])[0]
            fmt = (tag, bits, rate, channels)
        elif kind == b"data":
            samples = body
        position += 8 + size + (size & 1)
    if fmt is None or samples is None:
        sys.exit(f"{path}: no fmt or data chunk")
    tag, bits, rate, channels = fmt
    encoding = ENCODINGS.get((tag, bits))
    if encoding is None:
        sys.exit(f"{path}: WAV format {tag} with {bits}-bit samples; send 16-bit PCM, 32-bit float, mu-law or A-law")
    return encoding, rate, channels, samples


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("url", help="ws://host:port/v1/stream")
    parser.add_argument("wav")
    parser.add_argument("--roles", help="e.g. agent,customer")
    parser.add_argument("--segment", type=float, default=2.0, help="seconds per segment")
    parser.add_argument("--hop", type=float)
    parser.add_argument("--model")
    parser.add_argument("--chunk-ms", type=float, default=100, help="audio per binary message, ms")
    parser.add_argument("--realtime", action="store_true", help="send at the audio's own pace")
    parser.add_argument("--key", help="API key, sent as Authorization: Bearer")
    parser.add_argument("--subprotocol-key", help="API key, sent as the subprotocol bearer.<key> (as a browser does)")
    parser.add_argument("--close", action="store_true", help="end with a close frame instead of {\"type\": \"stop\"}")
    args = parser.parse_args()

    encoding, rate, channels, samples = wav_samples(args.wav)
    query = {"encoding": encoding, "sample_rate": rate, "channels": channels, "segment": args.segment}
    for name in ("roles", "hop", "model"):
        if getattr(args, name) is not None:
            query[name] = getattr(args, name)
    url = args.url + "?" + urllib.parse.urlencode(query)
    headers = {"Authorization": f"Bearer {args.key}"} if args.key else None
    subprotocols = ["ser.v1", f"bearer.{args.subprotocol_key}"] if args.subprotocol_key else None

    frame_bytes = channels * {"pcm_s16le": 2, "pcm_f32le": 4, "mulaw": 1, "alaw": 1}[encoding]
    chunk = max(1, int(rate * args.chunk_ms / 1000)) * frame_bytes
    with connect(url, additional_headers=headers, subprotocols=subprotocols, max_size=None) as ws:
        started = time.monotonic()
        for offset in range(0, len(samples), chunk):
            if args.realtime:
                due = started + offset / frame_bytes / rate
                time.sleep(max(0.0, due - time.monotonic()))
            ws.send(samples[offset:offset + chunk])
            while True:  # print what has arrived without waiting
                try:
                    print(ws.recv(timeout=0), flush=True)
                except TimeoutError:
                    break
        if args.close:
            ws.close()
        else:
            ws.send(json.dumps({"type": "stop"}))
        try:
            for message in ws:
                print(message, flush=True)
        except Exception as error:  # the server closed after the summary; anything else is reported
            print(json.dumps({"type": "client_error", "error": repr(error)}), flush=True)
        print(json.dumps({"type": "closed", "code": ws.close_code, "reason": ws.close_reason}), flush=True)


if __name__ == "__main__":
    main()
