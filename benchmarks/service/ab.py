#!/usr/bin/env python3
"""Two ser-server builds against each other in the same run: did a change make the service slower?

    benchmarks/service/ab.py BASELINE_BINARY CANDIDATE_BINARY [--rounds 3] [--duration 10]
    benchmarks/service/ab.py BINARY BINARY --baseline-query '?vad=false&model=ser-cnn:2' \
        --candidate-query '?vad=false&model=ser-cnn:3'      # two models, one build

Both serve Models/ on loopback (the default model unless a query names one); wrk (-t2 -c16) alternates between
them round by round on the 3 s and 60 s clips of run.py, and the 10-minute stereo call is timed with
curl. Reports each build's best round and the candidate/baseline ratios; absolute figures swing with
the shared host, the interleaved ratio does not. Writes benchmarks/service/ab-results.md.
"""
import argparse
import os
import statistics
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import run  # noqa: E402  (the service benchmark's helpers: servers, wrk, clips)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("baseline")
    parser.add_argument("candidate")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--query", default="?vad=false")
    parser.add_argument("--baseline-query", help="the baseline's query (default: --query)")
    parser.add_argument("--candidate-query", help="the candidate's query (default: --query)")
    parser.add_argument("--shared", default=os.path.join(run.ROOT, "..", "shared", "data"))
    args = parser.parse_args()
    models = os.path.join(run.ROOT, "Models")
    queries = {"baseline": args.baseline_query or args.query, "candidate": args.candidate_query or args.query}
    with tempfile.TemporaryDirectory() as directory:
        clips = run.make_clips(directory, args.shared)
        servers = {}
        for name, binary in (("baseline", args.baseline), ("candidate", args.candidate)):
            port = run.free_port()
            servers[name] = run.Server(name, [binary, "--host", "127.0.0.1", "--port", str(port), "--models", models], port)
            servers[name].start()
        results = {name: {"3s": [], "60s": [], "call_s": []} for name in servers}
        try:
            for _ in range(args.rounds):
                for name, server in servers.items():
                    for clip in ("3s", "60s"):
                        run.wrk(server.port, clips[clip], queries[name], 2)
                        results[name][clip].append(run.wrk(server.port, clips[clip], queries[name], args.duration))
                    results[name]["call_s"].append(run.timed_request(server.port, clips["call"], queries[name], repeats=1))
        finally:
            for server in servers.values():
                server.stop()
    lines = [f"# ser-server A/B ({time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, load average {os.getloadavg()[0]:.1f})", "",
             f"baseline `{args.baseline}`, candidate `{args.candidate}`; {args.rounds} interleaved rounds of "
             f"`wrk -t2 -c16 -d{args.duration}s`, best round each; queries `{queries['baseline']}` / `{queries['candidate']}`.", "",
             "| measure | baseline | candidate | candidate / baseline |", "|---|---:|---:|---:|"]
    for clip in ("3s", "60s"):
        best = {n: max(results[n][clip], key=lambda r: r["rps"]) for n in servers}
        b, c = best["baseline"], best["candidate"]
        lines.append(f"| {clip} clips, requests/s | {b['rps']:.1f} | {c['rps']:.1f} | {c['rps'] / b['rps']:.2f} |")
        lines.append(f"| {clip} clips, p50 / p99 ms | {b['p50_ms']:.0f} / {b['p99_ms']:.0f} | {c['p50_ms']:.0f} / {c['p99_ms']:.0f} | "
                     f"{c['p50_ms'] / b['p50_ms']:.2f} / {c['p99_ms'] / b['p99_ms']:.2f} |")
        errors = sum(r["non200"] + r["socket_errors"] for n in servers for r in results[n][clip])
        if errors:
            lines.append(f"| {clip} clips, non-200 or socket errors | | | {errors} |")
    b, c = min(results["baseline"]["call_s"]), min(results["candidate"]["call_s"])
    lines.append(f"| 10-minute stereo call, s | {b:.2f} | {c:.2f} | {c / b:.2f} |")
    text = "\n".join(lines) + "\n"
    print(text)
    with open(os.path.join(run.HERE, "ab-results.md"), "w") as f:
        f.write(text)


if __name__ == "__main__":
    main()
