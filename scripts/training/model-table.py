#!/usr/bin/env python3
"""Print a model file's evaluation as Markdown tables, read from its manifest (no dependencies).

    scripts/training/model-table.py Models/ser-cnn/3/model.safetensors

Tables: UA on unseen speakers (k-fold, per corpus over its own classes, and pooled) and on unseen
corpora (leave one corpus out, `ser-train export --loco`), then the robustness table (UA on the
k-fold test speakers under each degradation and its drop from clean, in points)."""
import json
import struct
import sys

NAMES = {"emodb": "EMO-DB", "nemo": "nEMO", "ravdess": "RAVDESS", "tess": "TESS"}


def manifest(path):
    with open(path, "rb") as f:
        size = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(size))
    return json.loads(header["__metadata__"]["ser_manifest"])


def pct(value):
    return "—" if value is None else f"{100 * value:.1f} %"


def main(path):
    metrics = manifest(path)["metrics"]
    cv = metrics.get("cross_validation", {})
    loco = metrics.get("leave_one_corpus_out_summary")
    corpora = sorted(cv.get("per_corpus_pooled", {}).get("clean", {}))
    if loco:
        corpora = sorted(set(corpora) | {c["corpus"] for c in loco["corpora"]})
    print("| UA (own classes) | " + " | ".join(NAMES.get(c, c) for c in corpora) + " | all |")
    print("|---|" + "---:|" * (len(corpora) + 1))
    for channel in ("clean", "telephone"):
        per_corpus = cv.get("per_corpus_pooled", {}).get(channel)
        summary = cv.get("summary", {}).get(channel)
        if per_corpus and summary:
            cells = [pct(per_corpus.get(c, {}).get("ua_restricted_argmax")) for c in corpora]
            print(f"| unseen speakers, {channel} ({len(summary['ua_per_fold'])}-fold) | " + " | ".join(cells)
                  + f" | {pct(summary['ua_mean'])} ± {100 * summary['ua_std']:.1f} |")
    if loco:
        for channel in ("clean", "telephone"):
            by_corpus = {c["corpus"]: c.get(channel) for c in loco["corpora"]}
            cells = [pct((by_corpus.get(c) or {}).get("ua_restricted_argmax")) for c in corpora]
            mean = loco["mean"].get(channel, {})
            print(f"| unseen corpus, {channel} (leave one out) | " + " | ".join(cells)
                  + f" | **{pct(mean.get('ua_restricted_argmax'))}** mean |")
        eces = [loco["mean"].get(ch, {}).get("ece_restricted_argmax") for ch in ("clean", "telephone")]
        print(f"\nLeave one corpus out, calibration error (ECE, own classes) mean: "
              + " / ".join("—" if e is None else f"{e:.3f}" for e in eces) + " (clean / telephone)")
        calibration = loco.get("unseen_corpus_calibration")
        if calibration:
            rows = ", ".join(f"{NAMES.get(c['corpus'], c['corpus'])} {c['ece_before']:.3f} → {c['ece']:.3f}"
                             for c in calibration["cross_fitted"])
            print(f"With the unseen-corpus temperature factor (chosen on the other held-out corpora): mean "
                  f"{calibration['mean_ece_before']:.3f} → {calibration['mean_ece']:.3f} ({rows}); the model "
                  f"carries the factor chosen on all of them, × {calibration['factor']:.2f}")
    summaries = cv.get("summary", {})
    reference = summaries.get("robustness/clean")
    if reference:
        print("\n| condition (unseen speakers) | UA | drop from clean, points |")
        print("|---|---:|---:|")
        print(f"| clean (the same files) | {pct(reference['ua_mean'])} | |")
        for key in sorted(k for k in summaries if k.startswith("robustness/") and k != "robustness/clean"):
            ua = summaries[key]["ua_mean"]
            print(f"| {key.split('/', 1)[1]} | {pct(ua)} | {100 * (reference['ua_mean'] - ua):+.1f} |")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
