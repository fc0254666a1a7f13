#!/usr/bin/env python3
"""Live streams against ser-server on loopback: N concurrent real-time 8 kHz stereo mu-law calls
(the example call, looped), each sent in 100 ms messages at the audio's own pace and started at a
random moment of the first segment, as calls are. For each N: segment latency (from sending the
message that completes a segment to receiving that segment's message; p50/p95/p99/max, client side,
and the server's own histogram), server CPU per audio second, server memory per open stream, and
whether the client kept real time.

    benchmarks/stream/run.sh [--levels 100x20,300x100] [--seconds 30]

Writes benchmarks/stream/results.md and results.json. The load generator (one asyncio process) runs
on the same machine, as the issue asks: its CPU is reported too.
"""
import argparse
import asyncio
import json
import os
import random
import re
import socket
import struct
import subprocess
import sys
import time
import urllib.request

from websockets.asyncio.client import connect

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
HERE = os.path.dirname(os.path.abspath(__file__))
CLK_TCK = os.sysconf("SC_CLK_TCK")
PAGE = os.sysconf("SC_PAGE_SIZE")


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def call_samples():
    """The example call's raw mu-law bytes (8 kHz, 2 channels interleaved)."""
    data = open(os.path.join(ROOT, "examples", "call-8k-mulaw-stereo.wav"), "rb").read()
    position = 12
    while position + 8 <= len(data):
        kind, size = data[position:position + 4], struct.unpack("<I", data[position + 4:position + 8])[0]
        if kind == b"data":
            return data[position + 8:position + 8 + size]
        position += 8 + size + (size & 1)
    raise SystemExit("no data chunk in the example call")


def cpu_seconds(pid):
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def rss_bytes(pid):
    return int(open(f"/proc/{pid}/statm").read().split()[1]) * PAGE


def metrics(port):
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as r:
        return r.read().decode()


def server_histogram(text):
    """The server's segment-latency histogram: [(le, cumulative count)]."""
    rows = re.findall(r'ser_stream_segment_latency_seconds_bucket\{le="([^"]+)"\} (\d+)', text)
    return [(float("inf") if le == "+Inf" else float(le), int(count)) for le, count in rows]


def histogram_quantile(rows, q):
    """The upper bound of the bucket holding quantile q (Prometheus-style, no interpolation)."""
    total = rows[-1][1] if rows else 0
    for le, count in rows:
        if total and count >= q * total:
            return le
    return None


async def one_stream(url, audio, seconds, start_delay, chunk_ms, results):
    rate, frame = 8000, 2  # mu-law stereo: 2 bytes per frame
    chunk = int(rate * chunk_ms / 1000) * frame
    total = int(seconds * rate) * frame
    sent_at = []  # (end byte offset, time sent)
    latencies, behind, segments = [], 0.0, 0
    await asyncio.sleep(start_delay)
    async with connect(url, max_size=None, open_timeout=60, ping_interval=None) as ws:
        async def receive():
            nonlocal segments
            async for message in ws:
                now = time.perf_counter()
                m = json.loads(message)
                if m.get("type") == "segment":
                    segments += 1
                    end_byte = int(round(m["end_s"] * rate)) * frame
                    sent = next((t for offset, t in sent_at if offset >= end_byte), None)
                    if sent is not None and m["channel"] == 0:
                        latencies.append(now - sent)
        receiver = asyncio.create_task(receive())
        started = time.perf_counter()
        offset = 0
        while offset < total:
            due = started + offset / frame / rate
            delay = due - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            else:
                behind = max(behind, -delay)
            start = offset % len(audio)
            piece = audio[start:start + chunk]
            if len(piece) < chunk:
                piece += audio[:chunk - len(piece)]
            offset += len(piece)
            await ws.send(piece)
            sent_at.append((offset, time.perf_counter()))
        await ws.send(json.dumps({"type": "stop"}))
        await receiver
    results.append({"latencies": latencies, "behind_s": behind, "segments": segments})


async def run_level(port, streams, seconds, audio, seed, chunk_ms):
    random.seed(seed)
    url = (f"ws://127.0.0.1:{port}/v1/stream?encoding=mulaw&sample_rate=8000&channels=2"
           f"&roles=agent,customer&segment=2")
    results = []
    tasks = [one_stream(url, audio, seconds, random.uniform(0, 2.0), chunk_ms, results) for _ in range(streams)]
    await asyncio.gather(*tasks, return_exceptions=False)
    return results


def percentile(values, q):
    if not values:
        return None
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))]


def measure(server, port, streams, seconds, audio, seed, chunk_ms):
    before_cpu, before_rss = cpu_seconds(server.pid), rss_bytes(server.pid)
    client_before = os.times()
    before_hist = server_histogram(metrics(port))
    peak_rss = [before_rss]

    async def sample_rss():
        while True:
            peak_rss[0] = max(peak_rss[0], rss_bytes(server.pid))
            await asyncio.sleep(0.5)

    async def main():
        sampler = asyncio.create_task(sample_rss())
        try:
            return await run_level(port, streams, seconds, audio, seed, chunk_ms)
        finally:
            sampler.cancel()

    wall = time.perf_counter()
    results = asyncio.run(main())
    wall = time.perf_counter() - wall
    client_after = os.times()
    after_hist = server_histogram(metrics(port))
    cpu = cpu_seconds(server.pid) - before_cpu
    hist = [(le, count - (before_hist[i][1] if i < len(before_hist) else 0)) for i, (le, count) in enumerate(after_hist)]
    latencies = [x for r in results for x in r["latencies"]]
    audio_seconds = streams * seconds * 2  # channel-seconds
    return {
        "streams": streams, "chunk_ms": chunk_ms, "seconds_per_stream": seconds, "wall_s": round(wall, 1),
        "segments_received": sum(r["segments"] for r in results),
        "latency_client_s": {q: round(percentile(latencies, v), 4) if latencies else None
                             for q, v in (("p50", 0.5), ("p95", 0.95), ("p99", 0.99), ("max", 1.0))},
        "latency_server_p99_bucket_s": histogram_quantile(hist, 0.99),
        "client_fell_behind_max_s": round(max(r["behind_s"] for r in results), 3),
        "server_cpu_s": round(cpu, 1),
        "server_cpu_ms_per_channel_audio_s": round(1000 * cpu / audio_seconds, 3),
        "server_cores_busy": round(cpu / wall, 2),
        "client_cpu_s": round((client_after.user - client_before.user) + (client_after.system - client_before.system), 1),
        "server_rss_idle_mib": round(before_rss / 2**20, 1),
        "server_rss_peak_mib": round(peak_rss[0] / 2**20, 1),
        "rss_per_stream_kib": round((peak_rss[0] - before_rss) / streams / 1024, 1),
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--levels", default="100x20,100x100,200x100,300x100,400x100",
                        help="streams x milliseconds of audio per message, comma-separated")
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--server", default=os.path.join(ROOT, ".build", "release", "ser-server"))
    parser.add_argument("--models", default=os.path.join(ROOT, "Models"))
    args = parser.parse_args()
    audio = call_samples()
    port = free_port()
    server = subprocess.Popen([args.server, "--host", "127.0.0.1", "--port", str(port), "--models", args.models,
                               "--max-streams", "2000", "--max-connections", "4000", "--log-level", "warning"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(600):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=1)
                break
            except Exception:
                time.sleep(0.1)
        # Warm-up: a few streams so sessions, plans and the allocator are in steady state.
        measure(server, port, 8, 6, audio, seed=1, chunk_ms=100)
        levels = []
        for spec in args.levels.split(","):
            n, chunk_ms = (int(x) for x in spec.split("x"))
            level = measure(server, port, n, args.seconds, audio, seed=n, chunk_ms=chunk_ms)
            levels.append(level)
            print(json.dumps(level), flush=True)
    finally:
        server.terminate()
        server.wait(timeout=60)
    info = {"date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "cores": os.cpu_count(),
            "commit": subprocess.run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()}
    json.dump({"info": info, "levels": levels}, open(os.path.join(HERE, "results.json"), "w"), indent=2)
    with open(os.path.join(HERE, "results.md"), "w") as out:
        out.write(f"# Live streams, {info['date']}, commit {info['commit']}, {info['cores']} cores (load generator on the same machine)\n\n")
        out.write("| streams | message ms | p50 ms | p95 ms | p99 ms | max ms | server p99 bucket | server cores busy | server CPU ms / channel-audio-s | client CPU s | RSS / stream KiB | client behind s |\n")
        out.write("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n")
        for l in levels:
            lat = {k: (round(v * 1000, 1) if v is not None else "-") for k, v in l["latency_client_s"].items()}
            out.write(f"| {l['streams']} | {l['chunk_ms']} | {lat['p50']} | {lat['p95']} | {lat['p99']} | {lat['max']} | "
                      f"{l['latency_server_p99_bucket_s']} | {l['server_cores_busy']} | {l['server_cpu_ms_per_channel_audio_s']} | "
                      f"{l['client_cpu_s']} | {l['rss_per_stream_kib']} | {l['client_fell_behind_max_s']} |\n")
    print(open(os.path.join(HERE, "results.md")).read())


if __name__ == "__main__":
    sys.exit(main())
