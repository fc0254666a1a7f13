#!/usr/bin/env python3
"""Converts a NeuralNet model file (safetensors + architecture JSON in __metadata__["network_spec"]) to
ONNX with onnx.helper (no torch), and checks onnxruntime against reference outputs.

  export_onnx.py convert MODEL.safetensors OUT.onnx
  export_onnx.py check MODEL.safetensors IO.safetensors        # IO holds input_<i> and output_<i>
  export_onnx.py check-fixtures FIXTURE_DIR                     # every <case>.safetensors + <case>.io.safetensors
  export_onnx.py bench MODEL.safetensors --times 300 6000 [--repeat N]   # onnxruntime timing, JSON on stdout

The graph is what a PyTorch export would give (Conv, BatchNormalization, Relu, MaxPool, LSTM, ...;
BatchNorm is NOT pre-folded: onnxruntime's ORT_ENABLE_ALL fuses it itself). Input is [1, C, F, T] or
[1, C, T] with a symbolic time axis. Parity: |ort - ref| <= 1e-4 * max(1, |ref|).
"""
import argparse
import json
import statistics
import struct
import sys
import time

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

TOLERANCE = 1e-4


def read_safetensors(path):
    with open(path, "rb") as f:
        raw = f.read()
    (n,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8:8 + n])
    metadata = header.pop("__metadata__", {})
    data = raw[8 + n:]
    tensors = {}
    for name, entry in header.items():
        assert entry["dtype"] == "F32", (name, entry["dtype"])
        b, e = entry["data_offsets"]
        tensors[name] = np.frombuffer(data[b:e], dtype="<f4").reshape(entry["shape"]).copy()
    return tensors, metadata


def extents(v, n):
    return list(v) if isinstance(v, list) else [v] * n


class Builder:
    def __init__(self):
        self.nodes, self.inits = [], []
        self.count = 0

    def name(self, hint):
        self.count += 1
        return f"{hint}_{self.count}"

    def const(self, array, hint="c"):
        name = self.name(hint)
        self.inits.append(numpy_helper.from_array(np.asarray(array), name))
        return name

    def op(self, kind, inputs, hint=None, outputs=1, **attrs):
        names = [self.name(hint or kind.lower()) for _ in range(outputs)]
        self.nodes.append(helper.make_node(kind, inputs, names, **attrs))
        return names[0] if outputs == 1 else names


# Symbolic output shapes per final layout (batch axis first).
OUTPUT_DIMS = {"planes": [1, "c", "f", "t"], "channels": [1, "c", "t"], "sequence": [1, "t", "d"], "vector": [1, "d"]}


def to_onnx(spec, params):
    """Builds the ONNX model. Tracks the NeuralNet layout of the running value (with batch axis 1):
    planes [1,C,F,T], channels [1,C,T], sequence [1,T,D], vector [1,D]."""
    g = Builder()
    layout = "planes" if len(spec["input_shape"]) == 3 else "channels"
    fixed = spec["input_shape"][:-1]
    x = "input"

    def time_major(x, layout):
        """[1, T, D] from any time layout (planes: PyTorch's permute(0, 3, 1, 2).reshape -> c*F + f)."""
        if layout == "planes":
            x = g.op("Transpose", [x], perm=[0, 3, 1, 2])
            return g.op("Reshape", [x, g.const(np.array([0, 0, -1], np.int64))])
        if layout == "channels":
            return g.op("Transpose", [x], perm=[0, 2, 1])
        return x

    for i, layer in enumerate(spec["layers"]):
        P = lambda s: params[f"layers.{i}.{s}"]
        kind = layer["type"]
        if kind in ("conv1d", "conv2d"):
            n = 1 if kind == "conv1d" else 2
            k = extents(layer["kernel_size"], n)
            s, pd, d = (extents(layer.get(key, dflt), n) for key, dflt in (("stride", 1), ("padding", 0), ("dilation", 1)))
            inputs = [x, g.const(P("weight"), "w")] + ([g.const(P("bias"), "b")] if layer.get("bias", True) else [])
            x = g.op("Conv", inputs, kernel_shape=k, strides=s, pads=pd + pd, dilations=d)
        elif kind == "batch_norm":
            eps = layer.get("eps", 1e-5)
            consts = [g.const(P(s)) for s in ("weight", "bias", "running_mean", "running_var")]
            if layout in ("planes", "channels", "vector"):
                x = g.op("BatchNormalization", [x] + consts, epsilon=eps)
            else:  # sequence [1, T, D]: normalise D
                t = g.op("Transpose", [x], perm=[0, 2, 1])
                t = g.op("BatchNormalization", [t] + consts, epsilon=eps)
                x = g.op("Transpose", [t], perm=[0, 2, 1])
        elif kind == "relu":
            x = g.op("Relu", [x])
        elif kind == "leaky_relu":
            x = g.op("LeakyRelu", [x], alpha=layer.get("negative_slope", 0.01))
        elif kind == "elu":
            x = g.op("Elu", [x], alpha=layer.get("alpha", 1.0))
        elif kind == "gelu":
            e = g.op("Erf", [g.op("Mul", [x, g.const(np.float32(1 / np.sqrt(2)))])])
            x = g.op("Mul", [g.op("Mul", [x, g.const(np.float32(0.5))]), g.op("Add", [e, g.const(np.float32(1))])])
        elif kind == "silu":
            x = g.op("Mul", [x, g.op("Sigmoid", [x])])
        elif kind == "tanh":
            x = g.op("Tanh", [x])
        elif kind == "sigmoid":
            x = g.op("Sigmoid", [x])
        elif kind in ("max_pool1d", "max_pool2d", "avg_pool1d", "avg_pool2d"):
            n = 1 if kind.endswith("1d") else 2
            k = extents(layer["kernel_size"], n)
            s = extents(layer.get("stride", layer["kernel_size"]), n)
            pd = extents(layer.get("padding", 0), n)
            if kind.startswith("max"):
                x = g.op("MaxPool", [x], kernel_shape=k, strides=s, pads=pd + pd)
            else:
                x = g.op("AveragePool", [x], kernel_shape=k, strides=s, pads=pd + pd, count_include_pad=1)
        elif kind == "dropout":
            pass
        elif kind == "dense":
            w, o = P("weight"), layer["out_features"]
            if layout == "vector":
                inputs = [x, g.const(w)] + ([g.const(P("bias"))] if layer.get("bias", True) else [])
                x = g.op("Gemm", inputs, transB=1)
            else:
                x = g.op("MatMul", [x, g.const(np.ascontiguousarray(w.T))])
                if layer.get("bias", True):
                    x = g.op("Add", [x, g.const(P("bias"))])
        elif kind == "flatten":
            x, layout = g.op("Flatten", [x], axis=1), "vector"
        elif kind == "to_sequence":
            x, layout = time_major(x, layout), "sequence"
        elif kind == "statistics_pooling":
            h = time_major(x, layout)
            mean = g.op("ReduceMean", [h], axes=[1], keepdims=1)
            diff = g.op("Sub", [h, mean])
            var = g.op("ReduceMean", [g.op("Mul", [diff, diff])], axes=[1], keepdims=0)
            std = g.op("Sqrt", [g.op("Max", [var, g.const(np.float32(layer.get("eps", 1e-5)))])])
            mean = g.op("Squeeze", [mean, g.const(np.array([1], np.int64))])
            x, layout = g.op("Concat", [mean, std], axis=1), "vector"
        elif kind == "attentive_statistics_pooling":
            h = time_major(x, layout)  # [1, T, D]
            a = g.op("Tanh", [g.op("Add", [g.op("MatMul", [h, g.const(np.ascontiguousarray(P("attention.weight").T))]),
                                           g.const(P("attention.bias"))])])  # [1, T, A]
            e = g.op("Add", [g.op("MatMul", [a, g.const(np.ascontiguousarray(P("score.weight").T))]),
                             g.const(P("score.bias"))])  # [1, T, 1]
            alpha = g.op("Softmax", [e], axis=1)
            mean = g.op("ReduceSum", [g.op("Mul", [h, alpha]), g.const(np.array([1], np.int64))], keepdims=1)
            diff = g.op("Sub", [h, mean])
            var = g.op("ReduceSum", [g.op("Mul", [g.op("Mul", [diff, diff]), alpha]), g.const(np.array([1], np.int64))],
                       keepdims=0)
            std = g.op("Sqrt", [g.op("Max", [var, g.const(np.float32(layer.get("eps", 1e-5)))])])
            mean = g.op("Squeeze", [mean, g.const(np.array([1], np.int64))])
            x, layout = g.op("Concat", [mean, std], axis=1), "vector"
        elif kind == "softmax":
            x = g.op("Softmax", [x], axis=-1)
        elif kind in ("lstm", "gru"):
            hidden = layer["hidden_size"]
            bidirectional = layer.get("bidirectional", False)
            dirs = 2 if bidirectional else 1
            # PyTorch gate blocks -> ONNX gate blocks: LSTM i,f,g,o -> i,o,f,c; GRU r,z,n -> z,r,h.
            order = [0, 3, 1, 2] if kind == "lstm" else [1, 0, 2]
            reorder = lambda m: np.concatenate([np.split(m, len(order))[j] for j in order])
            seq = g.op("Transpose", [x], perm=[1, 0, 2])  # [T, 1, D]
            for l in range(layer.get("num_layers", 1)):
                sfx = ["", "_reverse"] if bidirectional else [""]
                W = np.stack([reorder(P(f"weight_ih_l{l}{s}")) for s in sfx])
                R = np.stack([reorder(P(f"weight_hh_l{l}{s}")) for s in sfx])
                B = np.stack([np.concatenate([reorder(P(f"bias_ih_l{l}{s}")), reorder(P(f"bias_hh_l{l}{s}"))]) for s in sfx])
                attrs = {"hidden_size": hidden, "direction": "bidirectional" if bidirectional else "forward"}
                if kind == "gru":
                    attrs["linear_before_reset"] = 1
                y = g.op(kind.upper(), [seq, g.const(W), g.const(R), g.const(B)], outputs=2 if kind == "gru" else 3, **attrs)[0]
                # Y [T, dirs, 1, H] -> [T, 1, dirs*H]
                y = g.op("Transpose", [y], perm=[0, 2, 1, 3])
                seq = g.op("Reshape", [y, g.const(np.array([0, 0, dirs * hidden], np.int64))])
            x = g.op("Transpose", [seq], perm=[1, 0, 2])
        else:
            raise ValueError(f"layer {i}: unsupported type {kind}")

    rank = len(spec["input_shape"]) + 1
    input_dims = [1] + [int(d) for d in fixed] + ["time"]
    graph = helper.make_graph(
        g.nodes, "neuralnet",
        [helper.make_tensor_value_info("input", TensorProto.FLOAT, input_dims[:rank])],
        [helper.make_tensor_value_info(x, TensorProto.FLOAT, OUTPUT_DIMS[layout])],
        g.inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], producer_name="neuralnet-export")
    model.ir_version = 8
    onnx.checker.check_model(model)
    return model


def load_model(path):
    params, metadata = read_safetensors(path)
    spec = json.loads(metadata["network_spec"])
    return spec, to_onnx(spec, params)


def session(model):
    import onnxruntime as ort
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    return ort.InferenceSession(model.SerializeToString(), options, providers=["CPUExecutionProvider"])


def check(model_path, io_path, label=None):
    """Worst scaled error of onnxruntime vs the io file's outputs; raises if above TOLERANCE."""
    _, model = load_model(model_path)
    sess = session(model)
    io, _ = read_safetensors(io_path)
    worst, i = 0.0, 0
    while f"input_{i}" in io:
        got = sess.run(None, {"input": io[f"input_{i}"][None]})[0][0]
        ref = io[f"output_{i}"]
        assert got.shape == ref.shape, (model_path, i, got.shape, ref.shape)
        worst = max(worst, float(np.max(np.abs(got - ref) / np.maximum(1, np.abs(ref)))))
        i += 1
    status = "ok" if worst <= TOLERANCE else "FAIL"
    print(f"{label or model_path}: {i} inputs, worst scaled error {worst:.2e} ({status})")
    if worst > TOLERANCE:
        raise SystemExit(1)
    return worst


def bench(model_path, times, repeat, mels=None):
    spec, model = load_model(model_path)
    sess = session(model)
    fixed = spec["input_shape"][:-1]
    rng = np.random.default_rng(0)
    results = {}
    for t in times:
        x = rng.normal(0, 1, [1] + fixed + [t]).astype(np.float32)
        for _ in range(3):
            sess.run(None, {"input": x})
        samples = []
        for _ in range(repeat):
            start = time.perf_counter()
            sess.run(None, {"input": x})
            samples.append(time.perf_counter() - start)
        results[str(t)] = {"median_ms": 1e3 * statistics.median(samples), "min_ms": 1e3 * min(samples)}
    import onnxruntime as ort
    print(json.dumps({"onnxruntime": ort.__version__, "results": results}))


def main():
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="command", required=True)
    c = sub.add_parser("convert"); c.add_argument("model"); c.add_argument("out")
    k = sub.add_parser("check"); k.add_argument("model"); k.add_argument("io"); k.add_argument("--label")
    f = sub.add_parser("check-fixtures"); f.add_argument("directory")
    b = sub.add_parser("bench"); b.add_argument("model"); b.add_argument("--times", type=int, nargs="+", required=True)
    b.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    if args.command == "convert":
        _, model = load_model(args.model)
        onnx.save(model, args.out)
    elif args.command == "check":
        check(args.model, args.io, label=args.label)
    elif args.command == "check-fixtures":
        import glob, os
        failures = 0
        for io_path in sorted(glob.glob(os.path.join(args.directory, "*.io.safetensors"))):
            name = os.path.basename(io_path)[:-len(".io.safetensors")]
            try:
                check(os.path.join(args.directory, name + ".safetensors"), io_path, label=name)
            except SystemExit:
                failures += 1
        if failures:
            sys.exit(f"{failures} fixture(s) differ")
    else:
        bench(args.model, args.times, args.repeat)


if __name__ == "__main__":
    main()
