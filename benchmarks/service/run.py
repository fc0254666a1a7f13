#!/usr/bin/env python3
"""ser-server against its Python peer (FastAPI + uvicorn + librosa + onnxruntime, same model), in the
same run on the same machine: throughput and latency under wrk at 16 connections on 3 s and 60 s
clips, server RSS under that load, cold start to ready, and one 10-minute stereo 8 kHz call.

    benchmarks/service/run.sh [--model Models/NAME/VERSION] [--duration 20] [--query ?vad=false]

Writes benchmarks/service/results.md and results.json. Loopback only; every load run is bounded.
"""
import argparse
import json
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
HERE = os.path.dirname(os.path.abspath(__file__))
PYTHON = os.path.join(ROOT, ".venv", "bin", "python")


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def wait_ready(port, timeout=60.0, interval=0.001):
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/v2/health/ready", timeout=1) as r:
                if r.status == 200:
                    return True
        except Exception:
            pass
        time.sleep(interval)
    return False


def tree_rss_kib(pid):
    """Resident memory of a process and all its descendants, KiB."""
    total, stack = 0, [pid]
    while stack:
        p = stack.pop()
        try:
            with open(f"/proc/{p}/status") as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
            with open(f"/proc/{p}/task/{p}/children") as f:
                stack += [int(c) for c in f.read().split()]
        except OSError:
            pass
    return total


# Cold starts per server, reported as the median: 11, since on this shared host one start in five or
# so is slowed by a neighbour (5 starts gave a median of 124 ms once, against 69 ms for 9 starts
# just after).
COLD_STARTS = 11


class Server:
    def __init__(self, name, command, port, env=None):
        self.name, self.command, self.port, self.env = name, command, port, env

    def rebind(self, port):
        self.command = [str(port) if c == str(self.port) else c for c in self.command]
        self.port = port

    def start(self):
        env = dict(os.environ, **(self.env or {}))
        self.started = time.perf_counter()
        self.process = subprocess.Popen(self.command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                        start_new_session=True)
        if not wait_ready(self.port):
            self.stop()
            raise RuntimeError(f"{self.name} did not become ready")
        return (time.perf_counter() - self.started) * 1000

    def stop(self):
        """Stops the whole process group and waits until every member (e.g. uvicorn workers) is gone."""
        group = self.process.pid
        try:
            os.killpg(group, signal.SIGTERM)
            self.process.wait(timeout=30)
        except Exception:
            pass
        deadline = time.time() + 30
        while time.time() < deadline:
            try:
                os.killpg(group, 0)
            except ProcessLookupError:
                return
            time.sleep(0.05)
        os.killpg(group, signal.SIGKILL)


def wrk(port, clip, query, duration, connections=16, threads=2):
    out = subprocess.run(["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{duration}s", "--latency",
                          "--timeout", "60s", "-s", os.path.join(HERE, "predict.lua"), f"http://127.0.0.1:{port}",
                          "--", clip, query], capture_output=True, text=True, timeout=duration + 120).stdout
    def latency(label):
        m = re.search(rf"^\s+{label}%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
        value, unit = float(m.group(1)), m.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    non200 = int(re.search(r"non200=(\d+)", out).group(1))
    return {"rps": rps, "p50_ms": latency("50"), "p99_ms": latency("99"), "non200": non200,
            "socket_errors": sum(map(int, errors.groups())) if errors else 0, "raw": out}


def load_run(server, clip, query, duration):
    """Warm-up, then a measured wrk run while sampling the server's RSS."""
    wrk(server.port, clip, query, 3)
    peak, stop = [0], threading.Event()
    def sample():
        while not stop.is_set():
            peak[0] = max(peak[0], tree_rss_kib(server.process.pid))
            time.sleep(0.1)
    sampler = threading.Thread(target=sample)
    sampler.start()
    result = wrk(server.port, clip, query, duration)
    stop.set()
    sampler.join()
    result["rss_mib"] = peak[0] / 1024
    return result


def timed_request(port, path, query, repeats=3):
    times = []
    for _ in range(repeats):
        out = subprocess.run(["curl", "-s", "-o", "/dev/null", "-w", "%{http_code} %{time_total}", "-H", "Content-Type: audio/wav",
                              "--data-binary", f"@{path}", f"http://127.0.0.1:{port}/v1/predict{query}"],
                             capture_output=True, text=True, timeout=600).stdout.split()
        assert out[0] == "200", out
        times.append(float(out[1]))
    return statistics.median(times)


def make_clips(directory, shared):
    """3 s and 60 s mono 16 kHz speech clips and a 600 s stereo 8 kHz mu-law call, from the shared corpora."""
    files = []
    with open(os.path.join(shared, "manifest.csv")) as f:
        next(f)
        for line in f:
            path = line.split(",")[0]
            if path.endswith((".flac", ".wav")):  # sox reads these; the Opus corpora it cannot
                files.append(os.path.join(shared, path))
    files.sort()
    def concat(out, seconds, picks, rate, extra=()):
        subprocess.run(["sox", *picks, "-r", str(rate), "-c", "1", *extra, out, "trim", "0", str(seconds)], check=True)
    clips = {}
    clips["3s"] = os.path.join(directory, "speech-3s.wav")
    concat(clips["3s"], 3, files[:3], 16000, ["-b", "16"])
    clips["60s"] = os.path.join(directory, "speech-60s.wav")
    concat(clips["60s"], 60, files[:40], 16000, ["-b", "16"])
    agent, customer = os.path.join(directory, "agent.wav"), os.path.join(directory, "customer.wav")
    concat(agent, 600, files[:400], 8000, ["-b", "16"])
    concat(customer, 600, files[400:800], 8000, ["-b", "16"])
    clips["call"] = os.path.join(directory, "call-600s-8k-mulaw-stereo.wav")
    subprocess.run(["sox", "-M", agent, customer, "-e", "mu-law", "-b", "8", clips["call"]], check=True)
    return clips


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", help="model version directory (default: the first under Models/)")
    parser.add_argument("--duration", type=int, default=20, help="seconds per measured wrk run")
    parser.add_argument("--query", default="?vad=false", help="query string for both servers (the peer has no VAD)")
    parser.add_argument("--shared", default=os.path.join(ROOT, "..", "shared", "data"))
    args = parser.parse_args()

    model_dir = args.model or next(os.path.join(r, d) for r, ds, _ in sorted(os.walk(os.path.join(ROOT, "Models"))) for d in sorted(ds)
                                   if os.path.exists(os.path.join(r, d, "model.safetensors")))
    model_file = os.path.join(model_dir, "model.safetensors")
    name, version = os.path.basename(os.path.dirname(os.path.abspath(model_dir))), os.path.basename(os.path.abspath(model_dir))
    work = tempfile.mkdtemp(prefix="ser-bench-")
    try:
        onnx_path = os.path.join(work, "model.onnx")
        subprocess.run([PYTHON, os.path.join(ROOT, "benchmarks", "nn", "export_onnx.py"), "convert", model_file, onnx_path], check=True)
        models = os.path.join(work, "models")
        os.makedirs(os.path.join(models, name))
        shutil.copytree(model_dir, os.path.join(models, name, version))
        clips = make_clips(work, args.shared)

        swift_port, peer_port = free_port(), free_port()
        swift = Server("ser-server", [os.path.join(ROOT, ".build", "release", "ser-server"), "--host", "127.0.0.1",
                                      "--port", str(swift_port), "--models", models, "--log-level", "warning"], swift_port)
        peer = Server("python-peer", [PYTHON, os.path.join(HERE, "peer_server.py"), "--model", model_file, "--onnx", onnx_path,
                                      "--port", str(peer_port), "--workers", "2"], peer_port)
        results = {"model": f"{name}:{version}", "query": args.query, "duration_s": args.duration}
        for server in (swift, peer):
            starts = []
            for _ in range(COLD_STARTS):
                # A fresh port each time: nothing left from the previous run can answer the probe.
                server.rebind(free_port())
                starts.append(server.start())
                server.stop()
            server.rebind(free_port())
            r = {"cold_start_ms": statistics.median(starts)}
            server.start()
            try:
                r["idle_rss_mib"] = tree_rss_kib(server.process.pid) / 1024
                for clip in ("3s", "60s"):
                    r[clip] = load_run(server, clips[clip], args.query, args.duration)
                r["call_600s_stereo_8k_s"] = timed_request(server.port, clips["call"], args.query)
                if server is swift:
                    r["call_600s_stereo_8k_vad_s"] = timed_request(server.port, clips["call"], "?vad=true")
                    r["3s_vad"] = load_run(server, clips["3s"], "?vad=true", max(5, args.duration // 2))
            finally:
                server.stop()
            results[server.name] = r
        write_report(results)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def write_report(results):
    s, p = results["ser-server"], results["python-peer"]
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), platform.processor())
    load = os.getloadavg()
    lines = [
        "# Service benchmark: ser-server vs FastAPI + librosa + onnxruntime",
        "",
        f"- Date: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}",
        f"- Machine: {cpu}, {os.cpu_count()} cores; load average after the run {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}",
        f"- Model: `{results['model']}` (the peer runs the same weights exported to ONNX); query `{results['query']}` for both",
        f"- Load: `wrk -t2 -c16 -d{results['duration_s']}s` on loopback after a 3 s warm-up; wrk shares the 2 cores with the server",
        "- Peer at its best: 2 uvicorn workers, each with its own SO_REUSEPORT socket, TCP_NODELAY, 1 BLAS/ORT thread",
        "",
        "| | ser-server | Python peer | ratio |",
        "|---|---:|---:|---:|",
    ]
    for clip in ("3s", "60s"):
        lines.append(f"| {clip} clips: requests/s | {s[clip]['rps']:.1f} | {p[clip]['rps']:.1f} | {s[clip]['rps'] / p[clip]['rps']:.1f}x |")
        lines.append(f"| {clip} clips: p50 / p99 latency, ms | {s[clip]['p50_ms']:.2f} / {s[clip]['p99_ms']:.2f} | {p[clip]['p50_ms']:.1f} / {p[clip]['p99_ms']:.1f} | |")
        lines.append(f"| {clip} clips: peak RSS under load, MiB | {s[clip]['rss_mib']:.1f} | {p[clip]['rss_mib']:.1f} | |")
        lines.append(f"| {clip} clips: non-200 / socket errors | {s[clip]['non200']} / {s[clip]['socket_errors']} | {p[clip]['non200']} / {p[clip]['socket_errors']} | |")
    lines.append(f"| idle RSS, MiB | {s['idle_rss_mib']:.1f} | {p['idle_rss_mib']:.1f} | |")
    lines.append(f"| cold start to ready (median of {COLD_STARTS}), ms | {s['cold_start_ms']:.1f} | {p['cold_start_ms']:.0f} | |")
    lines.append(f"| 10-min stereo 8 kHz mu-law call, one request, s | {s['call_600s_stereo_8k_s']:.3f} | {p['call_600s_stereo_8k_s']:.2f} | {p['call_600s_stereo_8k_s'] / s['call_600s_stereo_8k_s']:.1f}x |")
    lines += [
        "",
        f"ser-server with voice activity detection on (the API default; the peer has none): 3 s clips "
        f"{s['3s_vad']['rps']:.1f} req/s, p99 {s['3s_vad']['p99_ms']:.2f} ms; 10-minute call {s['call_600s_stereo_8k_vad_s']:.3f} s.",
        "",
    ]
    with open(os.path.join(HERE, "results.md"), "w") as f:
        f.write("\n".join(lines))
    for r in (s, p):
        for clip in ("3s", "60s", "3s_vad"):
            if clip in r:
                r[clip].pop("raw", None)
    with open(os.path.join(HERE, "results.json"), "w") as f:
        json.dump(results, f, indent=2)
    print("\n".join(lines))


if __name__ == "__main__":
    main()
