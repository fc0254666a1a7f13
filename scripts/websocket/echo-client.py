#!/usr/bin/env python3
"""Drives a WebSocket echo server on 127.0.0.1:PORT with the `websockets` client (a real, independent
RFC 6455 implementation). Run by Tests/WebSocketTests/PythonClientTests.swift against its loopback
echo server, which echoes text and binary messages, answers pings, pings the client on "ping me",
closes with 4000 on "close 4000", and reads messages of at most 256 KiB.

Usage: .venv/bin/python scripts/websocket/echo-client.py PORT
Prints one line per check and "N checks passed"; exits 1 (with a traceback) on the first failure.
"""
import signal
import socket
import sys

from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

TIMEOUT = 10  # seconds for every wait; the whole run is bounded by the alarm below


def echo(url):
    with connect(url, subprotocols=["ser.v1", "other"], open_timeout=TIMEOUT, close_timeout=TIMEOUT) as ws:
        assert ws.subprotocol == "ser.v1", ws.subprotocol
        text = "héllo wörld 😀 " * 20
        ws.send(text)
        assert ws.recv(timeout=TIMEOUT) == text
        data = bytes(range(256)) * 300  # 76 800 bytes: a 64-bit length
        ws.send(data)
        assert ws.recv(timeout=TIMEOUT) == data
        ws.send(["frag", "ment", "ed 😀 ", "text"])  # one message in four frames
        assert ws.recv(timeout=TIMEOUT) == "fragmented 😀 text"
        parts = [b"\x00\x01", b"\x02" * 70000, b"", b"\x03"]
        ws.send(parts)
        assert ws.recv(timeout=TIMEOUT) == b"".join(parts)
        pong = ws.ping(b"are you there")
        assert pong.wait(TIMEOUT), "no pong"
        ws.send("ping me")  # the server pings; the client answers; the server reports the pong
        assert ws.recv(timeout=TIMEOUT) == "pong 010203"
        ws.send("")
        assert ws.recv(timeout=TIMEOUT) == ""
        ws.close(1000, "done")
    assert ws.close_code == 1000 and ws.close_reason == "done", (ws.close_code, ws.close_reason)


def expect_close(url, send, code):
    with connect(url, open_timeout=TIMEOUT, close_timeout=TIMEOUT) as ws:
        send(ws)
        try:
            message = ws.recv(timeout=TIMEOUT)
            raise AssertionError(f"expected close {code}, got a message {message[:40]!r}")
        except ConnectionClosed as closed:
            assert closed.rcvd is not None and closed.rcvd.code == code, closed
            return closed.rcvd.reason


def server_close(url):
    reason = expect_close(url, lambda ws: ws.send("close 4000"), 4000)
    assert reason == "bye", reason


def bad_version(port):
    request = (f"GET /v1/echo HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
               "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 8\r\n\r\n")
    with socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT) as sock:
        sock.sendall(request.encode())
        response = b""
        while chunk := sock.recv(4096):
            response += chunk
    head = response.split(b"\r\n\r\n")[0].decode()
    assert head.startswith("HTTP/1.1 426 "), head
    assert "\r\nSec-WebSocket-Version: 13" in head, head


def main():
    signal.alarm(60)
    port = int(sys.argv[1])
    url = f"ws://127.0.0.1:{port}/v1/echo"
    checks = [
        ("echo: text, binary, fragmented, ping/pong, close 1000", lambda: echo(url)),
        ("invalid UTF-8 text is closed with 1007", lambda: expect_close(url, lambda ws: ws.send(b"ok \xff", text=True), 1007)),
        ("a 300 000-byte message is closed with 1009", lambda: expect_close(url, lambda ws: ws.send(b"x" * 300_000), 1009)),
        ("the server closes with 4000 'bye'", lambda: server_close(url)),
        ("Sec-WebSocket-Version 8 is answered 426", lambda: bad_version(port)),
    ]
    for name, check in checks:
        check()
        print("ok", name, flush=True)
    print(f"{len(checks)} checks passed")


if __name__ == "__main__":
    main()
