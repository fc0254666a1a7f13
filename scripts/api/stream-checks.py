#!/usr/bin/env python3
"""Scenarios against a live /v1/stream, each printed as one JSON line for the Swift live tests to check.

    .venv/bin/python scripts/api/stream-checks.py ws://127.0.0.1:PORT/v1/stream SCENARIO... [--key KEY]

Each line: {"scenario", "status" (HTTP status when the upgrade was refused, with "body"),
"subprotocol", "messages" (the JSON text messages received), "close_code", "close_reason", "pong"}.
"""
import argparse
import json
import math
import socket
import struct
import sys
import urllib.parse

from websockets.exceptions import InvalidStatus
from websockets.sync.client import connect

TONE_16K = struct.pack("<%dh" % 16000, *[int(8000 * math.sin(2 * math.pi * 220 * i / 16000)) for i in range(16000)])


def scenario_steps(name):
    """(query, [(action, payload)], subprotocol key) for a scenario."""
    pcm = {"encoding": "pcm_s16le", "sample_rate": 16000, "channels": 1}
    return {
        "bad_parameter": ({"encoding": "opus"}, []),
        "unknown_type": (pcm, [("text", json.dumps({"type": "dance"}))]),
        "invalid_json": (pcm, [("text", "not json")]),
        "too_large": (pcm, [("binary", b"\0" * (2 << 20))]),
        "non_finite": ({"encoding": "pcm_f32le", "sample_rate": 16000}, [("binary", struct.pack("<4f", 0.0, 0.1, float("nan"), 0.0))]),
        "start_after_audio": (pcm, [("binary", TONE_16K[:3200]), ("text", json.dumps({"type": "start", "channels": 2}))]),
        "start_message": ({}, [("text", json.dumps({"type": "start", "encoding": "mulaw", "sample_rate": 8000, "channels": 2,
                                                    "roles": ["agent", "customer"], "segment": 1})),
                               ("binary", b"\xff" * 16000 * 2), ("text", json.dumps({"type": "stop"}))]),
        "bad_start": ({}, [("text", json.dumps({"type": "start", "sample_rate": "fast"}))]),
        "fragmented": (pcm, [("fragments", [TONE_16K[:1001], TONE_16K[1001:8000], TONE_16K[8000:]]), ("text", json.dumps({"type": "stop"}))]),
        "ping": (pcm, [("ping", b"hello"), ("binary", TONE_16K[:3200]), ("text", json.dumps({"type": "stop"}))]),
        "client_close": (pcm, [("binary", TONE_16K), ("close", None)]),
        "split_samples": (pcm, [("binary", TONE_16K[:3]), ("binary", TONE_16K[3:16001]), ("binary", TONE_16K[16001:]),
                                ("text", json.dumps({"type": "stop"}))]),
        "wait": (pcm, [("binary", TONE_16K[:3200]), ("wait", None)]),
    }[name]


def run(url, name, key, subprotocol_key):
    query, steps = scenario_steps(name)
    result = {"scenario": name, "messages": []}
    headers = {"Authorization": f"Bearer {key}"} if key else None
    subprotocols = ["ser.v1", f"bearer.{subprotocol_key}"] if subprotocol_key else None
    try:
        ws = connect(url + ("?" + urllib.parse.urlencode(query) if query else ""), additional_headers=headers,
                     subprotocols=subprotocols, max_size=None, open_timeout=10)
    except InvalidStatus as error:
        result["status"] = error.response.status_code
        result["body"] = error.response.body.decode("utf-8", "replace")
        return result
    result["subprotocol"] = ws.subprotocol
    with ws:
        try:
            for action, payload in steps:
                if action == "text":
                    ws.send(payload)
                elif action == "binary":
                    ws.send(payload)
                elif action == "fragments":
                    ws.send(iter(payload))
                elif action == "ping":
                    result["pong"] = ws.ping(payload).wait(10)
                elif action == "close":
                    ws.close()
                elif action == "wait":
                    pass
            for message in ws:
                result["messages"].append(json.loads(message))
        except Exception as error:  # a close the server started ends the iteration with an exception
            result["client_error"] = type(error).__name__
    result["close_code"] = ws.close_code
    result["close_reason"] = ws.close_reason
    return result


def raw_unmasked(url):
    """A handshake by hand, then an unmasked client frame: the server must fail the connection with 1002."""
    parsed = urllib.parse.urlparse(url)
    with socket.create_connection((parsed.hostname, parsed.port), timeout=10) as s:
        s.sendall((f"GET {parsed.path}?encoding=pcm_s16le HTTP/1.1\r\nHost: {parsed.hostname}\r\nUpgrade: websocket\r\n"
                   "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n").encode())
        data = b""
        while b"\r\n\r\n" not in data:
            data += s.recv(4096)
        head, _, rest = data.partition(b"\r\n\r\n")
        s.sendall(b"\x82\x02ab")  # FIN + binary, not masked
        while True:
            chunk = s.recv(4096)
            if not chunk:
                break
            rest += chunk
        codes = []
        i = 0
        while i + 2 <= len(rest):  # server frames: unmasked, lengths < 126 here
            opcode, length = rest[i] & 0x0F, rest[i + 1] & 0x7F
            payload = rest[i + 2:i + 2 + length]
            if opcode == 8 and len(payload) >= 2:
                codes.append(struct.unpack(">H", payload[:2])[0])
            i += 2 + length
        return {"scenario": "unmasked", "status_line": head.split(b"\r\n")[0].decode(), "close_codes": codes}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("scenarios", nargs="+")
    parser.add_argument("--key")
    parser.add_argument("--subprotocol-key")
    args = parser.parse_args()
    for name in args.scenarios:
        result = raw_unmasked(args.url) if name == "unmasked" else run(args.url, name, args.key, args.subprotocol_key)
        print(json.dumps(result), flush=True)


if __name__ == "__main__":
    sys.exit(main())
