#!/usr/bin/env python3
"""librosa 0.11 peer of FeatureBenchmark: the same feature set on the same clips, one core.

Usage:
    librosa_peer.py --make-clips DIR SECONDS...   write seeded speech-like clips DIR/clip-<S>s.f32 (16 kHz float32 LE)
    librosa_peer.py CLIP.f32...                  time the pipeline; one TSV line per clip:
                                                 clip  audio_seconds  runs  median_seconds_per_run

The pipeline mirrors FeatureExtractor.analyze (without formants) with librosa's efficient API use:
one STFT shared (S=) by the mel spectrogram, chroma and spectral shape, as the Swift side shares it.
Run with OMP_NUM_THREADS=OPENBLAS_NUM_THREADS=NUMBA_NUM_THREADS=1 (run.sh does).
"""
import os
import sys
import time

import numpy as np
import scipy.signal
import librosa

SR, N_FFT, WIN, HOP, N_MELS, N_MFCC = 16000, 512, 400, 160, 64, 20


def pipeline(y):
    stft = librosa.stft(y, n_fft=N_FFT, hop_length=HOP, win_length=WIN, window="hann", center=True, pad_mode="constant")
    magnitude = np.abs(stft)
    power = magnitude ** 2
    mel = librosa.feature.melspectrogram(S=power, sr=SR, n_mels=N_MELS, htk=False, norm="slaney")
    logmel = librosa.power_to_db(mel, ref=1.0, amin=1e-10, top_db=None)
    mfcc = librosa.feature.mfcc(S=logmel, n_mfcc=N_MFCC)
    d1 = librosa.feature.delta(mfcc, width=9, order=1)
    d2 = librosa.feature.delta(mfcc, width=9, order=2)
    chroma = librosa.feature.chroma_stft(S=power, sr=SR, n_fft=N_FFT, hop_length=HOP, tuning=0.0)
    centroid = librosa.feature.spectral_centroid(S=magnitude, sr=SR, n_fft=N_FFT, hop_length=HOP)
    flatness = librosa.feature.spectral_flatness(S=magnitude, n_fft=N_FFT, hop_length=HOP)
    rolloff = librosa.feature.spectral_rolloff(S=magnitude, sr=SR, n_fft=N_FFT, hop_length=HOP)
    f0 = librosa.yin(y, fmin=50, fmax=500, sr=SR, frame_length=1024, hop_length=HOP)
    rms = librosa.feature.rms(y=y, frame_length=WIN, hop_length=HOP)
    energy_db = librosa.amplitude_to_db(rms, ref=1.0, amin=1e-5, top_db=None)
    zcr = librosa.feature.zero_crossing_rate(y, frame_length=WIN, hop_length=HOP)
    return mfcc, d1, d2, chroma, centroid, flatness, rolloff, f0, energy_db, zcr, logmel


def make_clip(seconds, seed):
    """Speech-like: syllables of a glottal pulse train through vowel formants, pauses, light noise."""
    rng = np.random.default_rng(seed)
    n = int(seconds * SR)
    t = np.arange(n) / SR
    f0 = 140 + 30 * np.sin(2 * np.pi * 0.3 * t) + 10 * rng.standard_normal() * np.sin(2 * np.pi * 3 * t)
    phase = np.cumsum(f0) / SR
    source = np.zeros(n)
    source[np.nonzero(np.diff(np.floor(phase)) > 0)[0] + 1] = 1.0
    source = scipy.signal.lfilter([1.0], [1.0, -0.95], source)
    y = np.zeros(n)
    block = int(0.25 * SR)
    vowels = [(730, 1090, 2440), (270, 2290, 3010), (300, 870, 2240), (530, 1840, 2480)]
    for start in range(0, n, block):
        seg = slice(start, min(n, start + block))
        x = source[seg]
        for f, bw in zip(vowels[rng.integers(len(vowels))], (80, 100, 120)):
            r = np.exp(-np.pi * bw / SR)
            x = scipy.signal.lfilter([1 - r], [1, -2 * r * np.cos(2 * np.pi * f / SR), r * r], x)
        y[seg] = x
    envelope = np.clip(np.sin(2 * np.pi * 2.0 * t), 0, None) * (rng.random(n // block + 1)[np.arange(n) // block] > 0.2)
    y = 0.3 * y * envelope / np.max(np.abs(y)) + 0.003 * rng.standard_normal(n)
    return y.astype(np.float32)


def main(argv):
    if argv and argv[0] == "--make-clips":
        directory = argv[1]
        os.makedirs(directory, exist_ok=True)
        for s in argv[2:]:
            path = os.path.join(directory, f"clip-{s}s.f32")
            if not os.path.exists(path):
                make_clip(float(s), seed=int(s)).astype("<f4").tofile(path)
        return
    assert librosa.__version__ == "0.11.0", librosa.__version__
    for path in argv:
        y = np.fromfile(path, dtype="<f4")
        pipeline(y[: 3 * SR])  # warm-up: numba JIT of yin / localmin stencils, caches, FFT plans
        durations = []
        while len(durations) < 3 or (sum(durations) < 3 and len(durations) < 50):
            start = time.perf_counter()
            pipeline(y)
            durations.append(time.perf_counter() - start)
            if sum(durations) > 60:
                break  # long clips: a minute of measurements is enough
        print(f"{os.path.basename(path)}\t{len(y) / SR}\t{len(durations)}\t{float(np.median(durations))}", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
