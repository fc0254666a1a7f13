#!/usr/bin/env python3
"""Writes a small, untrained model in the registry layout for the deployment checks.

    scripts/make-test-model.py DIR              -> DIR/tiny/1/model.safetensors
    scripts/make-test-model.py --cnn DIR        -> DIR/cnn/1/model.safetensors

The deployment checks (scripts/check-runtime-image.sh, scripts/check-load-balancer.sh) need a model
the server can load so readiness turns 200 and /v1/predict runs the whole path (decode, resample,
features, network). They use Models/ when it holds a model; until the trained default model lands
there they use this one. It is the architecture of Tests/TestSupport/TinyModel.swift (conv1d over
40 log-mel bands + energy, batch norm, pooling, statistics pooling, dense, softmax) with seeded random
weights, so its probabilities mean nothing. Standard library only, so it runs before any venv exists.

--cnn writes the network of benchmarks/nn (log-mel 64 x time image; four conv 3x3 + batch norm + ReLU
+ max-pool blocks of 32/64/128/128 channels; statistics pooling; dense 128; dense 7), a stand-in of
production size for measuring CPU and memory (docs/deployment.md) until the trained model lands.

File format (Sources/NeuralNet/SafeTensors, Sources/ModelRegistry/ModelFile.swift): an 8-byte
little-endian header length, a JSON header whose __metadata__ holds "network_spec" and
"ser_manifest" as JSON strings, padded with spaces to 8 bytes, then little-endian float32 tensors.
If the format changes, the server refuses this file by name and the checks fail saying so.
"""
import json
import os
import random
import struct
import sys

LABELS = ["angry", "disgust", "fear", "happy", "neutral", "sad", "surprise"]
BANDS = 40  # log-mel bands; +1 energy row = 41 input channels

NETWORK_SPEC = {
    "input_shape": [BANDS + 1, None],
    "layers": [
        {"type": "conv1d", "out_channels": 16, "kernel_size": [5], "padding": [2], "stride": [1], "dilation": [1], "bias": True},
        {"type": "batch_norm", "eps": 1e-05},
        {"type": "relu"},
        {"type": "max_pool1d", "kernel_size": [2], "padding": [0], "stride": [2]},
        {"type": "conv1d", "out_channels": 16, "kernel_size": [3], "padding": [1], "stride": [1], "dilation": [1], "bias": True},
        {"type": "relu"},
        {"type": "statistics_pooling", "eps": 1e-05},
        {"type": "dense", "out_features": len(LABELS), "bias": True},
        {"type": "softmax"},
    ],
}

# Parameter name -> shape, as the network builder names them (layer index in the spec).
PARAMETERS = {
    "layers.0.weight": [16, BANDS + 1, 5], "layers.0.bias": [16],
    "layers.1.weight": [16], "layers.1.bias": [16], "layers.1.running_mean": [16], "layers.1.running_var": [16],
    "layers.4.weight": [16, 16, 3], "layers.4.bias": [16],
    "layers.7.weight": [len(LABELS), 32], "layers.7.bias": [len(LABELS)],
}

FEATURE_CONFIG = {  # FeatureConfig() defaults with melBandCount = 40, as TinyModel.featureConfig
    "chromaBinCount": 12, "chromaTuning": 0, "deltaWidth": 9, "fftLength": 512, "formantCount": 3,
    "formantMaxBandwidth": 700, "formantMinFrequency": 90, "hopLength": 160, "logFloor": 1e-10,
    "melBandCount": BANDS, "melNormalization": "slaney", "melScale": "slaney", "mfccCount": 20,
    "mfccLifter": 0, "minFrequency": 0, "pitchFrameLength": 1024, "pitchMaxFrequency": 500,
    "pitchMinFrequency": 50, "pitchTroughThreshold": 0.1, "preEmphasisFrequency": 50,
    "rolloffFraction": 0.85, "sampleRate": 16000, "syllableMinimumDipDecibels": 2,
    "syllableSilenceThresholdDecibels": 25, "voiceActivityHangoverSeconds": 0.2,
    "voiceActivityThresholdDecibels": 12, "windowLength": 400,
}


def conv2d_block(channels, pool):
    return [{"type": "conv2d", "out_channels": channels, "kernel_size": [3, 3], "padding": [1, 1], "stride": [1, 1], "dilation": [1, 1], "bias": False},
            {"type": "batch_norm", "eps": 1e-05}, {"type": "relu"},
            {"type": "max_pool2d", "kernel_size": pool, "padding": [0, 0], "stride": pool}]


CNN_BANDS = 64
CNN_SPEC = {
    "input_shape": [1, CNN_BANDS, None],
    "layers": conv2d_block(32, [2, 2]) + conv2d_block(64, [2, 2]) + conv2d_block(128, [2, 1]) + conv2d_block(128, [2, 1]) + [
        {"type": "statistics_pooling", "eps": 1e-05},
        {"type": "dense", "out_features": 128, "bias": True}, {"type": "relu"}, {"type": "dropout", "p": 0.3},
        {"type": "dense", "out_features": len(LABELS), "bias": True}, {"type": "softmax"},
    ],
}
CNN_PARAMETERS = {}
for index, (channels, inputs) in zip((0, 4, 8, 12), ((32, 1), (64, 32), (128, 64), (128, 128))):
    CNN_PARAMETERS[f"layers.{index}.weight"] = [channels, inputs, 3, 3]
    for key in ("weight", "bias", "running_mean", "running_var"):
        CNN_PARAMETERS[f"layers.{index + 1}.{key}"] = [channels]
CNN_PARAMETERS.update({"layers.17.weight": [128, 2 * 128 * CNN_BANDS // 16], "layers.17.bias": [128],
                       "layers.20.weight": [len(LABELS), 128], "layers.20.bias": [len(LABELS)]})


def manifest(name, version, cnn=False):
    if cnn:
        return {
            "format_version": 1, "name": name, "version": str(version), "labels": LABELS,
            "feature_config": dict(FEATURE_CONFIG, melBandCount=CNN_BANDS),
            "input": {"features": ["log_mel"], "layout": "image", "window_seconds": 3,
                      "mean": [-40] * CNN_BANDS, "standard_deviation": [20] * CNN_BANDS},
            "temperature": 1,
            "provenance": {"data": "none: random weights for deployment measurements (scripts/make-test-model.py --cnn)"},
            "metrics": {"note": "untrained"},
        }
    return {
        "format_version": 1, "name": name, "version": str(version), "labels": LABELS,
        "feature_config": FEATURE_CONFIG,
        "input": {"features": ["log_mel", "energy"], "layout": "channels_by_time", "window_seconds": 2,
                  "mean": [-40] * (BANDS + 1), "standard_deviation": [20] * (BANDS + 1)},
        "temperature": 1,
        "provenance": {"data": "none: random weights for deployment checks (scripts/make-test-model.py)"},
        "metrics": {"note": "untrained"},
    }


def values(name, shape, rng):
    count = 1
    for d in shape:
        count *= d
    fan_in = 1
    for d in shape[1:]:
        fan_in *= d
    if name.endswith("running_var"):
        return [0.5 + rng.random() for _ in range(count)]
    if name.endswith("running_mean") or name.endswith("bias"):
        return [0.1 * (rng.random() * 2 - 1) for _ in range(count)]
    return [(rng.random() * 2 - 1) * 1.7 / fan_in ** 0.5 for _ in range(count)]


def write(directory, name="tiny", version=1, seed=1, cnn=False):
    rng = random.Random(seed)
    spec, parameters = (CNN_SPEC, CNN_PARAMETERS) if cnn else (NETWORK_SPEC, PARAMETERS)
    header = {"__metadata__": {"network_spec": json.dumps(spec, sort_keys=True),
                               "ser_manifest": json.dumps(manifest(name, version, cnn), sort_keys=True)}}
    data = bytearray()
    for key in sorted(parameters):
        shape = parameters[key]
        floats = values(key, shape, rng)
        blob = struct.pack("<%df" % len(floats), *floats)
        header[key] = {"dtype": "F32", "shape": shape, "data_offsets": [len(data), len(data) + len(blob)]}
        data += blob
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-(8 + len(text)) % 8)
    folder = os.path.join(directory, name, str(version))
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, "model.safetensors")
    with open(path + ".tmp", "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + bytes(data))
    os.replace(path + ".tmp", path)
    return path


if __name__ == "__main__":
    arguments = sys.argv[1:]
    cnn = "--cnn" in arguments
    arguments = [a for a in arguments if a != "--cnn"]
    if len(arguments) != 1:
        sys.exit(__doc__.split("\n\n")[1])
    print(write(arguments[0], name="cnn" if cnn else "tiny", cnn=cnn))
