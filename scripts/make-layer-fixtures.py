#!/usr/bin/env python3
"""Writes the NeuralNet parity fixtures into Tests/NeuralNetTests/Fixtures/.

For every case: `<case>.safetensors` is a model file (seeded random parameters, architecture JSON in
`__metadata__["network_spec"]`) and `<case>.io.safetensors` holds inputs `input_<i>` and the reference
outputs `output_<i>` for several input lengths. References come from the straightforward NumPy
implementations below (explicit loops / einsum in float64, written from the PyTorch documentation,
sharing no code or algorithm with the Swift engine's im2col + gemm path). The safetensors writer is
the tiny one below, so the Swift reader is also checked against an independent writer.

Usage: ${PYTHON:-.venv/bin/python} scripts/make-layer-fixtures.py   (from the repository root)
"""
import json
import os
import struct

import numpy as np

OUT = os.path.join(os.path.dirname(__file__), "..", "Tests", "NeuralNetTests", "Fixtures")


# ----------------------------------------------------------------------------- safetensors writer

def write_safetensors(path, tensors, metadata=None):
    """Minimal safetensors writer: sorted names, F32 little-endian, header padded with spaces to 8."""
    header = {}
    if metadata:
        header["__metadata__"] = metadata
    blobs, offset = [], 0
    for name in sorted(tensors):
        data = np.ascontiguousarray(tensors[name], dtype="<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(tensors[name].shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    encoded = json.dumps(header, separators=(",", ":")).encode()
    encoded += b" " * (-len(encoded) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(encoded)))
        f.write(encoded)
        for blob in blobs:
            f.write(blob)


# ----------------------------------------------------------------------------- reference layers
# Activation layouts (batch 1, no batch axis): planes [C, H, W], channels [C, T], sequence [T, D], vector [D].

def conv2d(x, w, b, stride, padding, dilation):
    c, h, wd = x.shape
    o, _, kh, kw = w.shape
    (sh, sw), (ph, pw), (dh, dw) = stride, padding, dilation
    xp = np.zeros((c, h + 2 * ph, wd + 2 * pw))
    xp[:, ph:ph + h, pw:pw + wd] = x
    oh = (h + 2 * ph - dh * (kh - 1) - 1) // sh + 1
    ow = (wd + 2 * pw - dw * (kw - 1) - 1) // sw + 1
    out = np.zeros((o, oh, ow))
    for y in range(oh):
        for x_ in range(ow):
            patch = xp[:, y * sh: y * sh + dh * (kh - 1) + 1: dh, x_ * sw: x_ * sw + dw * (kw - 1) + 1: dw]
            out[:, y, x_] = np.einsum("ckl,ockl->o", patch, w)
    if b is not None:
        out += b[:, None, None]
    return out


def conv1d(x, w, b, stride, padding, dilation):
    return conv2d(x[:, None, :], w[:, :, None, :], b, (1, stride), (0, padding), (1, dilation))[:, 0, :]


def batch_norm(x, layout, gamma, beta, mean, var, eps):
    norm = lambda v: (v - mean) / np.sqrt(var + eps) * gamma + beta
    if layout in ("planes", "channels"):
        shape = (-1,) + (1,) * (x.ndim - 1)
        return (x - mean.reshape(shape)) / np.sqrt(var.reshape(shape) + eps) * gamma.reshape(shape) + beta.reshape(shape)
    return norm(x)


def erf(x):
    from scipy.special import erf as scipy_erf
    return scipy_erf(x)


ACTIVATIONS = {
    "relu": lambda x, s: np.maximum(x, 0),
    "leaky_relu": lambda x, s: np.where(x >= 0, x, s.get("negative_slope", 0.01) * x),
    "elu": lambda x, s: np.where(x > 0, x, s.get("alpha", 1.0) * (np.exp(np.minimum(x, 0)) - 1)),
    "gelu": lambda x, s: 0.5 * x * (1 + erf(x / np.sqrt(2))),
    "silu": lambda x, s: x / (1 + np.exp(-x)),
    "tanh": lambda x, s: np.tanh(x),
    "sigmoid": lambda x, s: 1 / (1 + np.exp(-x)),
}


def pool2d(x, kind, kernel, stride, padding):
    c, h, w = x.shape
    (kh, kw), (sh, sw), (ph, pw) = kernel, stride, padding
    oh = (h + 2 * ph - kh) // sh + 1
    ow = (w + 2 * pw - kw) // sw + 1
    out = np.zeros((c, oh, ow))
    for y in range(oh):
        for x_ in range(ow):
            y0, x0 = y * sh - ph, x_ * sw - pw
            window = x[:, max(y0, 0):min(y0 + kh, h), max(x0, 0):min(x0 + kw, w)]
            if kind == "max":
                out[:, y, x_] = window.max(axis=(1, 2))
            else:  # count_include_pad=True
                out[:, y, x_] = window.sum(axis=(1, 2)) / (kh * kw)
    return out


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


def lstm_direction(x, w_ih, w_hh, b_ih, b_hh, reverse):
    t_len, hidden = x.shape[0], w_hh.shape[1]
    h, c = np.zeros(hidden), np.zeros(hidden)
    out = np.zeros((t_len, hidden))
    for t in (reversed(range(t_len)) if reverse else range(t_len)):
        g = w_ih @ x[t] + b_ih + w_hh @ h + b_hh
        i, f, gg, o = np.split(g, 4)
        c = sigmoid(f) * c + sigmoid(i) * np.tanh(gg)
        h = sigmoid(o) * np.tanh(c)
        out[t] = h
    return out


def gru_direction(x, w_ih, w_hh, b_ih, b_hh, reverse):
    t_len, hidden = x.shape[0], w_hh.shape[1]
    h = np.zeros(hidden)
    out = np.zeros((t_len, hidden))
    for t in (reversed(range(t_len)) if reverse else range(t_len)):
        xr, xz, xn = np.split(w_ih @ x[t] + b_ih, 3)
        hr, hz, hn = np.split(w_hh @ h + b_hh, 3)
        r, z = sigmoid(xr + hr), sigmoid(xz + hz)
        n = np.tanh(xn + r * hn)
        h = (1 - z) * n + z * h
        out[t] = h
    return out


def softmax(x):
    e = np.exp(x - x.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def time_major(x, layout):
    """[T, D] view of any time layout (planes [C, F, T] -> features c*F + f)."""
    if layout == "planes":
        return x.reshape(-1, x.shape[-1]).T
    if layout == "channels":
        return x.T
    return x


# ----------------------------------------------------------------------------- reference network

class Parameters:
    """Creates each parameter on first use (seeded), so the forward pass defines names and shapes."""

    def __init__(self, seed):
        self.rng = np.random.default_rng(seed)
        self.values = {}

    def get(self, name, shape, kind="weight"):
        if name not in self.values:
            if kind == "variance":
                v = self.rng.uniform(0.5, 1.5, shape)
            elif kind == "gamma":
                v = self.rng.uniform(0.5, 1.5, shape)
            else:
                fan_in = int(np.prod(shape[1:])) if len(shape) > 1 else 4
                v = self.rng.normal(0, 1 / np.sqrt(fan_in), shape)
            self.values[name] = v.astype(np.float32)
        assert self.values[name].shape == tuple(shape), (name, self.values[name].shape, shape)
        return self.values[name].astype(np.float64)


def extents(v, n):
    return list(v) if isinstance(v, list) else [v] * n


def forward(spec, x, params):
    layout = "planes" if len(spec["input_shape"]) == 3 else "channels"
    for i, layer in enumerate(spec["layers"]):
        p = lambda suffix, shape, kind="weight": params.get(f"layers.{i}.{suffix}", shape, kind)
        kind = layer["type"]
        if kind in ("conv1d", "conv2d"):
            n = 1 if kind == "conv1d" else 2
            k = extents(layer["kernel_size"], n)
            s, pd, d = (extents(layer.get(key, dflt), n) for key, dflt in (("stride", 1), ("padding", 0), ("dilation", 1)))
            o = layer["out_channels"]
            w = p("weight", [o, x.shape[0]] + k)
            b = p("bias", [o]) if layer.get("bias", True) else None
            x = conv1d(x, w, b, s[0], pd[0], d[0]) if n == 1 else conv2d(x, w, b, s, pd, d)
        elif kind == "batch_norm":
            f = x.shape[0] if layout in ("planes", "channels") else x.shape[-1]
            x = batch_norm(x, layout, p("weight", [f], "gamma"), p("bias", [f]), p("running_mean", [f]),
                           p("running_var", [f], "variance"), layer.get("eps", 1e-5))
        elif kind in ACTIVATIONS:
            x = ACTIVATIONS[kind](x, layer)
        elif kind in ("max_pool1d", "max_pool2d", "avg_pool1d", "avg_pool2d"):
            n = 1 if kind.endswith("1d") else 2
            k = extents(layer["kernel_size"], n)
            s = extents(layer.get("stride", layer["kernel_size"]), n)
            pd = extents(layer.get("padding", 0), n)
            how = "max" if kind.startswith("max") else "avg"
            if n == 1:
                x = pool2d(x[:, None, :], how, [1] + k, [1] + s, [0] + pd)[:, 0, :]
            else:
                x = pool2d(x, how, k, s, pd)
        elif kind == "dropout":
            pass
        elif kind == "dense":
            o = layer["out_features"]
            w = p("weight", [o, x.shape[-1]])
            x = x @ w.T
            if layer.get("bias", True):
                x = x + p("bias", [o])
        elif kind == "flatten":
            x, layout = x.reshape(-1), "vector"
        elif kind == "to_sequence":
            x, layout = time_major(x, layout).copy(), "sequence"
        elif kind == "statistics_pooling":
            h = time_major(x, layout)
            mean = h.mean(axis=0)
            var = ((h - mean) ** 2).mean(axis=0)
            x, layout = np.concatenate([mean, np.sqrt(np.maximum(var, layer.get("eps", 1e-5)))]), "vector"
        elif kind == "attentive_statistics_pooling":
            h = time_major(x, layout)
            a = layer["attention_channels"]
            w, b = p("attention.weight", [a, h.shape[1]]), p("attention.bias", [a])
            v, k = p("score.weight", [1, a]), p("score.bias", [1])
            scores = np.array([v[0] @ np.tanh(w @ h[t] + b) + k[0] for t in range(h.shape[0])])
            alpha = softmax(scores)
            mean = np.einsum("t,td->d", alpha, h)
            var = np.einsum("t,td->d", alpha, (h - mean) ** 2)
            x, layout = np.concatenate([mean, np.sqrt(np.maximum(var, layer.get("eps", 1e-5)))]), "vector"
        elif kind == "softmax":
            x = softmax(x)
        elif kind in ("lstm", "gru"):
            hidden, gates = layer["hidden_size"], (4 if kind == "lstm" else 3)
            run = lstm_direction if kind == "lstm" else gru_direction
            for l in range(layer.get("num_layers", 1)):
                outs = []
                for sfx in (["", "_reverse"] if layer.get("bidirectional", False) else [""]):
                    w_ih = p(f"weight_ih_l{l}{sfx}", [gates * hidden, x.shape[1]])
                    w_hh = p(f"weight_hh_l{l}{sfx}", [gates * hidden, hidden])
                    b_ih = p(f"bias_ih_l{l}{sfx}", [gates * hidden])
                    b_hh = p(f"bias_hh_l{l}{sfx}", [gates * hidden])
                    outs.append(run(x, w_ih, w_hh, b_ih, b_hh, sfx == "_reverse"))
                x = np.concatenate(outs, axis=1)
        else:
            raise ValueError(kind)
    return x


# ----------------------------------------------------------------------------- cases

CNN = {  # a small version of the benchmark SER CNN
    "input_shape": [1, 16, None],
    "layers": [
        {"type": "conv2d", "out_channels": 8, "kernel_size": 3, "padding": 1, "bias": False},
        {"type": "batch_norm"}, {"type": "relu"},
        {"type": "max_pool2d", "kernel_size": 2},
        {"type": "conv2d", "out_channels": 12, "kernel_size": 3, "padding": 1, "bias": False},
        {"type": "batch_norm"}, {"type": "relu"},
        {"type": "max_pool2d", "kernel_size": [2, 1]},
        {"type": "statistics_pooling"},
        {"type": "dense", "out_features": 16}, {"type": "relu"}, {"type": "dropout", "p": 0.3},
        {"type": "dense", "out_features": 4}, {"type": "softmax"},
    ],
}

CRNN = {  # conv front -> [T, C*F] -> BiLSTM -> attentive statistics pooling -> dense -> softmax
    "input_shape": [1, 16, None],
    "layers": [
        {"type": "conv2d", "out_channels": 6, "kernel_size": 3, "padding": 1},
        {"type": "batch_norm"}, {"type": "elu"},
        {"type": "max_pool2d", "kernel_size": [2, 1]},
        {"type": "conv2d", "out_channels": 4, "kernel_size": 3, "padding": 1},
        {"type": "batch_norm"}, {"type": "relu"},
        {"type": "max_pool2d", "kernel_size": 2},
        {"type": "to_sequence"},
        {"type": "lstm", "hidden_size": 10, "bidirectional": True},
        {"type": "attentive_statistics_pooling", "attention_channels": 8},
        {"type": "dense", "out_features": 5}, {"type": "softmax"},
    ],
}


def case(input_shape, *layers):
    return {"input_shape": input_shape, "layers": list(layers)}


CASES = {
    "conv2d": case([2, 7, None], {"type": "conv2d", "out_channels": 3, "kernel_size": [3, 2], "stride": [2, 1],
                                  "padding": [1, 1], "dilation": [1, 2]}),
    "conv2d_pointwise": case([3, 4, None], {"type": "conv2d", "out_channels": 5, "kernel_size": 1}),
    "conv2d_strided": case([2, 6, None], {"type": "conv2d", "out_channels": 4, "kernel_size": 3, "stride": [1, 3],
                                          "padding": [0, 2], "bias": False}),
    "conv1d": case([3, None], {"type": "conv1d", "out_channels": 4, "kernel_size": 3, "stride": 2, "padding": 1,
                               "dilation": 2}),
    "conv_bn_relu": case([2, 5, None], {"type": "conv2d", "out_channels": 3, "kernel_size": 3, "padding": 1,
                                        "bias": False}, {"type": "batch_norm", "eps": 1e-3}, {"type": "relu"}),
    "conv1d_bn": case([3, None], {"type": "conv1d", "out_channels": 5, "kernel_size": 5, "padding": 2},
                      {"type": "batch_norm"}),
    "conv1d_avg_pool_fused": case([3, None], {"type": "conv1d", "out_channels": 4, "kernel_size": 3, "padding": 1},
                                  {"type": "relu"}, {"type": "avg_pool1d", "kernel_size": 3}),
    "conv2d_max_pool_fused": case([2, 8, None], {"type": "conv2d", "out_channels": 5, "kernel_size": [3, 2]},
                                  {"type": "batch_norm"}, {"type": "silu"}, {"type": "max_pool2d", "kernel_size": [2, 3]}),
    "conv2d_avg_pool_fused": case([1, 6, None], {"type": "conv2d", "out_channels": 3, "kernel_size": 3, "padding": 1},
                                  {"type": "avg_pool2d", "kernel_size": [3, 2]}),
    "batch_norm2d": case([3, 4, None], {"type": "batch_norm"}),
    "batch_norm1d": case([4, None], {"type": "batch_norm"}),
    "max_pool2d": case([2, 7, None], {"type": "max_pool2d", "kernel_size": [2, 3], "stride": [2, 2], "padding": [1, 1]}),
    "avg_pool2d": case([2, 7, None], {"type": "avg_pool2d", "kernel_size": [3, 2], "stride": [2, 1], "padding": [1, 1]}),
    "max_pool1d": case([3, None], {"type": "max_pool1d", "kernel_size": 3, "stride": 2, "padding": 1}),
    "avg_pool1d": case([3, None], {"type": "avg_pool1d", "kernel_size": 2}),
    "dense_vector": case([2, 3, None], {"type": "statistics_pooling"}, {"type": "dense", "out_features": 5},
                         {"type": "batch_norm"}, {"type": "dropout", "p": 0.5}, {"type": "tanh"}),
    "dense_sequence": case([2, 3, None], {"type": "to_sequence"}, {"type": "dense", "out_features": 4, "bias": False},
                           {"type": "softmax"}),
    "flatten": case([2, 3, None], {"type": "max_pool2d", "kernel_size": [1, 100], "stride": [1, 100]},
                    {"type": "flatten"}, {"type": "dense", "out_features": 3}),
    "statistics_pooling": case([2, 3, None], {"type": "statistics_pooling", "eps": 1e-6}),
    "statistics_pooling_sequence": case([5, None], {"type": "to_sequence"}, {"type": "statistics_pooling"}),
    "attentive_pooling": case([4, None], {"type": "attentive_statistics_pooling", "attention_channels": 3}),
    "attentive_pooling_planes": case([2, 3, None], {"type": "attentive_statistics_pooling", "attention_channels": 5}),
    "lstm": case([3, None], {"type": "to_sequence"}, {"type": "lstm", "hidden_size": 5}),
    "lstm_bidirectional_stacked": case([3, None], {"type": "to_sequence"},
                                       {"type": "lstm", "hidden_size": 4, "num_layers": 3, "bidirectional": True}),
    "gru": case([3, None], {"type": "to_sequence"}, {"type": "gru", "hidden_size": 5}),
    "gru_bidirectional_stacked": case([2, 2, None], {"type": "to_sequence"},
                                      {"type": "gru", "hidden_size": 3, "num_layers": 2, "bidirectional": True}),
    "softmax": case([2, 2, None], {"type": "statistics_pooling"}, {"type": "softmax"}),
    "cnn": CNN,
    "crnn": CRNN,
    "crnn_gru": {"input_shape": [1, 8, None], "layers": CRNN["layers"][:9] + [
        {"type": "gru", "hidden_size": 6, "bidirectional": True}, {"type": "statistics_pooling"},
        {"type": "dense", "out_features": 3}, {"type": "softmax"}]},
}
for name in ACTIVATIONS:
    params = {"leaky_relu": {"negative_slope": 0.1}, "elu": {"alpha": 0.7}}.get(name, {})
    CASES[f"activation_{name}"] = case([2, 3, None], {"type": name, **params})

# Input lengths per case: varied, including ones that exercise padding/odd sizes; the whole-network
# cases use longer inputs.
LENGTHS = {"cnn": [40, 57], "crnn": [20, 33], "crnn_gru": [12, 21], "flatten": [100, 150]}


def main():
    os.makedirs(OUT, exist_ok=True)
    for index, (name, spec) in enumerate(sorted(CASES.items())):
        params = Parameters(seed=1000 + index)
        rng = np.random.default_rng(index)
        io = {}
        for i, t in enumerate(LENGTHS.get(name, [9, 14])):
            fixed = [d for d in spec["input_shape"] if d is not None]
            x = rng.normal(0, 1.5, fixed + [t]).astype(np.float32)
            io[f"input_{i}"] = x
            io[f"output_{i}"] = forward(spec, x.astype(np.float64), params).astype(np.float32)
        metadata = {"network_spec": json.dumps(spec, separators=(",", ":")), "fixture": name}
        write_safetensors(os.path.join(OUT, f"{name}.safetensors"), params.values, metadata)
        write_safetensors(os.path.join(OUT, f"{name}.io.safetensors"), io)
    print(f"wrote {len(CASES)} cases to {os.path.normpath(OUT)}")


if __name__ == "__main__":
    main()
