#!/usr/bin/env python3
"""Generates the librosa reference fixtures of the Features tests.

Usage (from the repository root, after scripts/setup.sh has created .venv):
    .venv/bin/python scripts/make-feature-fixtures.py [OUTPUT_DIR]

Writes into Tests/FeaturesTests/Fixtures (or OUTPUT_DIR):
  signal-16k.f32, signal-8k.f32   the generated test signals, raw little-endian float32 mono
  librosa-<set>.json              per parameter set: the FeatureConfig (Swift key names), the signal
                                  file it uses, and librosa 0.11.0's outputs for it

The signals are synthetic and seeded (no recordings): a log chirp, a harmonic tone with vibrato,
noise bursts, a source-filter "voice" (glottal pulse train through formant resonators, two vowels,
syllable envelope, gliding F0) and digital silence, so every code path (floors, voicing, padding)
is exercised. References are computed from the float32 signal promoted to float64, so they are
librosa's exact values; the Swift side works in float32 and the tests state their tolerances.
"""
import json
import os
import sys

import numpy as np
import scipy.signal
import librosa

assert librosa.__version__ == "0.11.0", f"fixtures are defined against librosa 0.11.0, found {librosa.__version__}"

OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "Tests", "FeaturesTests", "Fixtures")


def resonator(x, sr, frequency, bandwidth):
    """Second-order all-pole resonance (unity gain at DC-normalised form)."""
    r = np.exp(-np.pi * bandwidth / sr)
    theta = 2 * np.pi * frequency / sr
    a = [1.0, -2 * r * np.cos(theta), r * r]
    return scipy.signal.lfilter([1.0 - r], a, x)


def synthetic_voice(sr, duration, rng, f0_start=130.0, f0_end=170.0, vowels=((730, 1090, 2440), (270, 2290, 3010))):
    n = int(duration * sr)
    t = np.arange(n) / sr
    f0 = np.linspace(f0_start, f0_end, n)
    phase = np.cumsum(f0) / sr
    pulses = np.zeros(n)
    idx = np.nonzero(np.diff(np.floor(phase)) > 0)[0] + 1
    pulses[idx] = 1.0
    source = scipy.signal.lfilter([1.0], [1.0, -0.97], pulses)  # glottal spectral tilt
    source += 0.002 * rng.standard_normal(n)  # aspiration
    out = np.zeros(n)
    half = n // len(vowels)
    for v, formants in enumerate(vowels):
        seg = slice(v * half, n if v == len(vowels) - 1 else (v + 1) * half)
        y = source[seg]
        for f, bw in zip(formants, (60, 90, 120)):
            y = resonator(y, sr, f, bw)
        out[seg] = y
    envelope = 0.5 - 0.5 * np.cos(2 * np.pi * 4.0 * t)  # 4 syllables per second
    out = out * envelope
    return 0.4 * out / np.max(np.abs(out))


def make_signal(sr, rng):
    parts = []
    # 0.4 s log chirp from 100 Hz to 0.36 sr
    t = np.arange(int(0.4 * sr)) / sr
    parts.append(0.5 * scipy.signal.chirp(t, 100, t[-1], 0.45 * sr / 2 * 1.6, method="logarithmic"))
    parts.append(np.zeros(int(0.1 * sr)))  # digital silence
    # 0.4 s harmonic tone with vibrato, f0 = 220 Hz +- 2 % at 5.5 Hz
    t = np.arange(int(0.4 * sr)) / sr
    f0 = 220 * (1 + 0.02 * np.sin(2 * np.pi * 5.5 * t))
    phase = 2 * np.pi * np.cumsum(f0) / sr
    tone = sum(0.3 / k * np.sin(k * phase) for k in range(1, 9) if k * 240 < sr / 2)
    parts.append(tone)
    # 0.2 s white-noise bursts, 50 ms on / 50 ms off
    burst = 0.2 * rng.standard_normal(int(0.2 * sr))
    gate = (np.arange(burst.size) // int(0.05 * sr)) % 2 == 0
    parts.append(burst * gate)
    parts.append(synthetic_voice(sr, 0.6, rng))
    # quiet noise then silence
    parts.append(0.001 * rng.standard_normal(int(0.15 * sr)))
    parts.append(np.zeros(int(0.15 * sr)))
    return np.concatenate(parts).astype(np.float32)


def rounded(a, digits=8):
    a = np.asarray(a, dtype=np.float64)
    return [[float(f"{v:.{digits}g}") for v in row] for row in a] if a.ndim == 2 else [float(f"{v:.{digits}g}") for v in a]


PARAMETER_SETS = {
    "default16k": dict(signal="signal-16k.f32", config=dict(
        sampleRate=16000, fftLength=512, windowLength=400, hopLength=160, melBandCount=64,
        minFrequency=0.0, melScale="slaney", melNormalization="slaney", mfccCount=20, mfccLifter=0.0,
        pitchMinFrequency=50.0, pitchMaxFrequency=500.0, pitchFrameLength=1024)),
    "wide16k": dict(signal="signal-16k.f32", config=dict(
        sampleRate=16000, fftLength=1024, windowLength=1024, hopLength=256, melBandCount=128,
        minFrequency=30.0, maxFrequency=7600.0, melScale="htk", melNormalization="none", mfccCount=13, mfccLifter=22.0,
        pitchMinFrequency=60.0, pitchMaxFrequency=400.0, pitchFrameLength=2048)),
    "narrow8k": dict(signal="signal-8k.f32", config=dict(
        sampleRate=8000, fftLength=256, windowLength=200, hopLength=80, melBandCount=40,
        minFrequency=20.0, maxFrequency=3800.0, melScale="slaney", melNormalization="slaney", mfccCount=13, mfccLifter=0.0,
        pitchMinFrequency=60.0, pitchMaxFrequency=400.0, pitchFrameLength=512)),
}


def references(y, c):
    sr, n_fft, win, hop = c["sampleRate"], c["fftLength"], c["windowLength"], c["hopLength"]
    fmax = c.get("maxFrequency", sr / 2)
    y64 = y.astype(np.float64)
    stft = librosa.stft(y64, n_fft=n_fft, hop_length=hop, win_length=win, window="hann", center=True, pad_mode="constant")
    power = np.abs(stft) ** 2
    mel_basis = librosa.filters.mel(sr=sr, n_fft=n_fft, n_mels=c["melBandCount"], fmin=c["minFrequency"], fmax=fmax,
                                    htk=c["melScale"] == "htk", norm="slaney" if c["melNormalization"] == "slaney" else None)
    mel = librosa.feature.melspectrogram(S=power, sr=sr, n_mels=c["melBandCount"], fmin=c["minFrequency"], fmax=fmax,
                                         htk=c["melScale"] == "htk",
                                         norm="slaney" if c["melNormalization"] == "slaney" else None)
    logmel = librosa.power_to_db(mel, ref=1.0, amin=1e-10, top_db=None)
    mfcc = librosa.feature.mfcc(S=logmel, n_mfcc=c["mfccCount"], dct_type=2, norm="ortho", lifter=c["mfccLifter"])
    frame = win & ~1
    rms = librosa.feature.rms(y=y64, frame_length=frame, hop_length=hop, center=True, pad_mode="constant")[0]
    zcr = librosa.feature.zero_crossing_rate(y64, frame_length=frame, hop_length=hop, center=True)[0]
    chroma = librosa.feature.chroma_stft(S=power, sr=sr, n_fft=n_fft, hop_length=hop, tuning=0.0, n_chroma=12, norm=np.inf)
    magnitude = np.abs(stft)
    centroid = librosa.feature.spectral_centroid(S=magnitude, sr=sr, n_fft=n_fft, hop_length=hop)[0]
    flatness = librosa.feature.spectral_flatness(S=magnitude, n_fft=n_fft, hop_length=hop, amin=1e-10, power=2.0)[0]
    rolloff = librosa.feature.spectral_rolloff(S=magnitude, sr=sr, n_fft=n_fft, hop_length=hop, roll_percent=0.85)[0]
    f0 = librosa.yin(y64, fmin=c["pitchMinFrequency"], fmax=c["pitchMaxFrequency"], sr=sr,
                     frame_length=c["pitchFrameLength"], hop_length=hop, trough_threshold=0.1, center=True, pad_mode="constant")
    # Cross-check: the same pipeline from y directly (librosa's own framing) must agree with S= above.
    direct = librosa.feature.melspectrogram(y=y64, sr=sr, n_fft=n_fft, hop_length=hop, win_length=win, center=True,
                                            pad_mode="constant", power=2.0, n_mels=c["melBandCount"], fmin=c["minFrequency"],
                                            fmax=fmax, htk=c["melScale"] == "htk",
                                            norm="slaney" if c["melNormalization"] == "slaney" else None)
    assert np.allclose(direct, mel, rtol=1e-9, atol=1e-12)
    assert logmel.shape[1] == 1 + len(y) // hop == len(f0) == len(rms) == len(zcr)
    return {
        "frameCount": int(logmel.shape[1]),
        "melBasis": rounded(mel_basis, 9),
        "logMel": rounded(logmel),
        "mfcc": rounded(mfcc),
        "mfccDelta": rounded(librosa.feature.delta(mfcc, width=9, order=1, mode="interp")),
        "mfccDeltaDelta": rounded(librosa.feature.delta(mfcc, width=9, order=2, mode="interp")),
        "rms": rounded(rms),
        "zeroCrossingRate": rounded(zcr),
        "chroma": rounded(chroma, 7),
        "spectralCentroid": rounded(centroid),
        "spectralFlatness": rounded(flatness),
        "spectralRolloff": rounded(rolloff),
        "yinFrequencies": rounded(f0),
    }


def main():
    os.makedirs(OUT, exist_ok=True)
    rng = np.random.default_rng(20240611)
    signals = {"signal-16k.f32": make_signal(16000, rng), "signal-8k.f32": make_signal(8000, rng)}
    for name, y in signals.items():
        y.astype("<f4").tofile(os.path.join(OUT, name))
    for set_name, spec in PARAMETER_SETS.items():
        y = signals[spec["signal"]]
        fixture = {"librosaVersion": librosa.__version__, "name": set_name, "signal": spec["signal"],
                   "sampleCount": int(len(y)), "config": spec["config"], "reference": references(y, spec["config"])}
        path = os.path.join(OUT, f"librosa-{set_name}.json")
        with open(path, "w") as f:
            json.dump(fixture, f, separators=(",", ":"))
        print(f"{path}: {os.path.getsize(path) / 1024:.0f} KiB, {fixture['reference']['frameCount']} frames")


if __name__ == "__main__":
    main()
