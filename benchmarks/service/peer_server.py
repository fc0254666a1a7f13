#!/usr/bin/env python3
"""The Python stack a user would otherwise pick, at its best, as the benchmark peer for ser-server:
FastAPI + uvicorn, soundfile decoding, librosa features, the same model exported to ONNX in
onnxruntime, the same windowing, normalisation and temperature calibration as ser-server.

At its best (see DEVELOPERS.md): each of --workers processes binds its OWN SO_REUSEPORT socket (the
kernel balances connections across them; stock `uvicorn --workers` shares one listening socket and can
hand one worker every connection), TCP_NODELAY is set (stock uvicorn leaves Nagle on, uvicorn #3149),
and every worker uses one BLAS / OpenMP / onnxruntime thread.

    peer_server.py --model Models/NAME/VERSION/model.safetensors --onnx model.onnx --port 8090 --workers 2
"""
import argparse
import json
import multiprocessing
import os
import socket
import struct
import sys
import time

for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMBA_NUM_THREADS"):
    os.environ[var] = "1"


def read_manifest(path):
    with open(path, "rb") as f:
        (n,) = struct.unpack("<Q", f.read(8))
        header = json.loads(f.read(n))
    return json.loads(header["__metadata__"]["ser_manifest"])


def make_app(manifest, onnx_path):
    import io
    import numpy as np
    import librosa
    import onnxruntime as ort
    import soundfile as sf
    from fastapi import FastAPI, Request
    from fastapi.responses import JSONResponse

    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    session = ort.InferenceSession(onnx_path, options, providers=["CPUExecutionProvider"])
    input_name = session.get_inputs()[0].name

    fc, spec = manifest["feature_config"], manifest["input"]
    sr = fc.get("sampleRate", 16000)
    n_fft, win, hop = fc.get("fftLength", 512), fc.get("windowLength", 400), fc.get("hopLength", 160)
    n_mels, n_mfcc = fc.get("melBandCount", 64), fc.get("mfccCount", 20)
    fmin, fmax = fc.get("minFrequency", 0.0), fc.get("maxFrequency") or sr / 2
    htk = fc.get("melScale", "slaney") == "htk"
    norm = "slaney" if fc.get("melNormalization", "slaney") == "slaney" else None
    mean = np.asarray(spec.get("mean") or [], dtype=np.float32)
    std = np.maximum(np.asarray(spec.get("standard_deviation") or [], dtype=np.float32), 1e-5)
    window_samples = int(spec["window_seconds"] * sr)
    minimum_samples = int(0.5 * sr)
    temperature = manifest.get("temperature", 1.0)
    labels = manifest["labels"]
    image = spec["layout"] == "image"

    def features(y):
        S = librosa.feature.melspectrogram(y=y, sr=sr, n_fft=n_fft, win_length=win, hop_length=hop, center=True,
                                           pad_mode="constant", power=2.0, n_mels=n_mels, fmin=fmin, fmax=fmax,
                                           htk=htk, norm=norm)
        log_mel = librosa.power_to_db(S, ref=1.0, amin=1e-10, top_db=None)
        rows = []
        mfcc = None
        for feature in spec["features"]:
            if feature == "log_mel":
                rows.append(log_mel)
            elif feature == "log_mel_delta":
                rows.append(librosa.feature.delta(log_mel, width=9, mode="interp"))
            elif feature in ("mfcc", "mfcc_delta", "mfcc_delta_delta"):
                if mfcc is None:
                    mfcc = librosa.feature.mfcc(S=log_mel, n_mfcc=n_mfcc)
                rows.append(mfcc if feature == "mfcc" else librosa.feature.delta(mfcc, order=1 if feature == "mfcc_delta" else 2, width=9, mode="interp"))
            elif feature in ("pitch", "voicing"):
                f0 = librosa.yin(y, fmin=fc.get("pitchMinFrequency", 50), fmax=fc.get("pitchMaxFrequency", 500), sr=sr,
                                 frame_length=fc.get("pitchFrameLength", 1024), hop_length=hop, center=True, pad_mode="constant")
                f0 = f0[: log_mel.shape[1]]
                if feature == "pitch":
                    rows.append((12 * np.log2(np.maximum(f0, 1e-3) / 55))[None, :])
                else:
                    rows.append(np.ones_like(f0)[None, :])
            elif feature == "energy":
                rms = librosa.feature.rms(y=y, frame_length=win & ~1, hop_length=hop, center=True, pad_mode="constant")
                rows.append(20 * np.log10(np.maximum(rms, 1e-10)))
            elif feature == "zero_crossing_rate":
                rows.append(librosa.feature.zero_crossing_rate(y, frame_length=win & ~1, hop_length=hop, center=True))
            elif feature == "spectral_shape":
                P = np.abs(librosa.stft(y, n_fft=n_fft, win_length=win, hop_length=hop, center=True, pad_mode="constant"))
                rows.append(librosa.feature.spectral_centroid(S=P, sr=sr) / 1000)
                rows.append(librosa.feature.spectral_rolloff(S=P, sr=sr) / 1000)
                rows.append(librosa.feature.spectral_flatness(S=P, power=2.0))
            elif feature == "chroma":
                rows.append(librosa.feature.chroma_stft(S=S, sr=sr, tuning=0.0))
        x = np.concatenate(rows, axis=0).astype(np.float32)
        if mean.size:
            x = (x - mean[:, None]) / std[:, None]
        return x

    def probabilities(y):
        x = features(y)
        x = x[None, None] if image else x[None]
        out = session.run(None, {input_name: x})[0].reshape(-1)
        logits = np.log(np.maximum(out, 1e-30)) / temperature
        e = np.exp(logits - logits.max())
        return e / e.sum()

    def analyse(y):
        n = len(y)
        windows = max(1, -(-n // window_samples))
        estimates = []
        for w in range(windows):
            lo, hi = w * n // windows, (w + 1) * n // windows
            if hi - lo < minimum_samples:
                hi = min(n, lo + minimum_samples)
                lo = max(0, hi - minimum_samples)
            chunk = y[lo:hi]
            if len(chunk) < minimum_samples:
                chunk = np.pad(chunk, (0, minimum_samples - len(chunk)))
            estimates.append((probabilities(chunk), (hi - lo) / sr))
        weights = np.array([w for _, w in estimates])
        p = (np.stack([e for e, _ in estimates]) * weights[:, None]).sum(0) / weights.sum()
        return p, float(weights.sum())

    app = FastAPI()

    @app.get("/v2/health/ready")
    def ready():
        return {"ready": True}

    @app.post("/v1/predict")
    async def predict(request: Request):
        started = time.perf_counter()
        body = await request.body()
        data, rate = sf.read(io.BytesIO(body), dtype="float32", always_2d=True)
        channels = [data[:, c] for c in range(data.shape[1])]
        if rate != sr:
            channels = [librosa.resample(c, orig_sr=rate, target_sr=sr, res_type="soxr_hq") for c in channels]
        results = []
        for index, y in enumerate(channels):
            p, speech = analyse(np.ascontiguousarray(y))
            results.append({"index": index, "overall": {"probabilities": dict(zip(labels, map(float, p))),
                                                        "label": labels[int(p.argmax())], "confidence": float(p.max()),
                                                        "speech_s": speech}})
        return JSONResponse({"labels": labels, "channels": results,
                             "timings_ms": {"total": (time.perf_counter() - started) * 1000}})

    return app


def worker(args, manifest):
    import uvicorn
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    # Inherited by accepted sockets on Linux: responses are not delayed by Nagle's algorithm.
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.bind(("127.0.0.1", args.port))
    sock.listen(1024)
    app = make_app(manifest, args.onnx)
    config = uvicorn.Config(app, log_level="warning", access_log=False, loop="asyncio", http="h11")
    uvicorn.Server(config).run(sockets=[sock])


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model", required=True, help="ser-server model file (for its manifest)")
    parser.add_argument("--onnx", required=True, help="the same model as ONNX")
    parser.add_argument("--port", type=int, default=8090)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    manifest = read_manifest(args.model)
    processes = [multiprocessing.Process(target=worker, args=(args, manifest)) for _ in range(args.workers)]
    for p in processes:
        p.start()
    try:
        for p in processes:
            p.join()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
