// NNBenchmark: single-core sgemm peak and CNN forward-pass throughput of the NeuralNet engine.
//
//   NNBenchmark make-model OUT.safetensors          the benchmark SER CNN with seeded random weights
//   NNBenchmark infer MODEL IN.safetensors OUT.safetensors   outputs output_<i> for each input_<i>
//   NNBenchmark bench MODEL [--times 300 6000] [--repeat N] [--tile-bytes B]   JSON on stdout
//
// Built only when SER_BENCHMARKS is set; run through benchmarks/nn/run.sh, which also times
// onnxruntime on the same model and inputs.
import Foundation
import LinearAlgebra
import NeuralNet

BLASKernelSelection.relaunchIfFasterKernelAvailable()
BLAS.setThreadCount(1)

/// The benchmark model: a realistic SER CNN on 64-band log-mel input, [1, 64, T] at 100 frames/s.
/// Four Conv 3×3 + BN + ReLU + MaxPool blocks (32, 64, 128, 128 channels; time pooled only in the
/// first two), statistics pooling over time, dense 128 + ReLU, dense 7, softmax.
let benchmarkSpec = NetworkSpec(inputShape: [1, 64, nil], layers: [
    .conv2d(ConvolutionSpec(outChannels: 32, kernelSize: [3, 3], padding: [1, 1], bias: false)),
    .batchNorm(BatchNormSpec()), .activation(.relu), .maxPool2d(PoolingSpec(kernelSize: [2, 2])),
    .conv2d(ConvolutionSpec(outChannels: 64, kernelSize: [3, 3], padding: [1, 1], bias: false)),
    .batchNorm(BatchNormSpec()), .activation(.relu), .maxPool2d(PoolingSpec(kernelSize: [2, 2])),
    .conv2d(ConvolutionSpec(outChannels: 128, kernelSize: [3, 3], padding: [1, 1], bias: false)),
    .batchNorm(BatchNormSpec()), .activation(.relu), .maxPool2d(PoolingSpec(kernelSize: [2, 1])),
    .conv2d(ConvolutionSpec(outChannels: 128, kernelSize: [3, 3], padding: [1, 1], bias: false)),
    .batchNorm(BatchNormSpec()), .activation(.relu), .maxPool2d(PoolingSpec(kernelSize: [2, 1])),
    .statisticsPooling(StatisticsPoolingSpec()),
    .dense(DenseSpec(outFeatures: 128)), .activation(.relu), .dropout(probability: 0.3),
    .dense(DenseSpec(outFeatures: 7)), .softmax,
])

struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("NNBenchmark: \(message)\n".utf8))
    exit(1)
}

func seconds(_ duration: Duration) -> Double {
    let (s, attoseconds) = duration.components
    return Double(s) + Double(attoseconds) * 1e-18
}

/// Median and minimum wall time of `body` over `repeat` runs after `warmup` runs.
func time(repeat count: Int, warmup: Int = 2, _ body: () throws -> Void) rethrows -> (median: Double, minimum: Double) {
    for _ in 0..<warmup { try body() }
    let clock = ContinuousClock()
    var samples: [Double] = []
    for _ in 0..<count {
        let start = clock.now
        try body()
        samples.append(seconds(clock.now - start))
    }
    samples.sort()
    return (samples[samples.count / 2], samples[0])
}

func makeModel(path: String) throws {
    var generator = SplitMix(state: 42)
    var parameters: [String: Tensor] = [:]
    for (name, shape) in try benchmarkSpec.parameterShapes() {
        let count = shape.reduce(1, *)
        let fanIn = shape.count > 1 ? shape.dropFirst().reduce(1, *) : 1
        let scale = (2 / Float(fanIn)).squareRoot()
        let values: [Float] = (0..<count).map { _ in
            if name.hasSuffix("running_var") || (name.hasSuffix(".weight") && shape.count == 1) {
                return Float.random(in: 0.5...1.5, using: &generator)
            }
            return Float.random(in: -scale...scale, using: &generator)
        }
        parameters[name] = Tensor(shape: shape, values: values)
    }
    let network = try Network(spec: benchmarkSpec, parameters: parameters)
    try network.safeTensors(metadata: ["description": "NNBenchmark SER CNN, seeded random weights"]).write(toFile: path)
}

func infer(model: String, inputs: String, outputs: String) throws {
    let network = try Network(contentsOfFile: model)
    let io = try SafeTensors(contentsOfFile: inputs)
    let workspace = Workspace()
    var results: [String: Tensor] = [:]
    var index = 0
    while let input = io.tensors["input_\(index)"] {
        results["input_\(index)"] = input
        results["output_\(index)"] = try network.forward(input, workspace: workspace)
        index += 1
    }
    try SafeTensors(tensors: results).write(toFile: outputs)
}

/// GFLOP/s of `gemm` on `[m×k]·[k×n]`, best of a few runs.
func gemmGFLOPs(m: Int, n: Int, k: Int) -> Double {
    let a = [Float](repeating: 0.5, count: m * k), b = [Float](repeating: 0.25, count: k * n)
    var c = [Float](repeating: 0, count: m * n)
    let flops = 2.0 * Double(m * n * k)
    let reps = max(3, min(50, Int(2e9 / flops)))
    let t = a.withUnsafeBufferPointer { a in b.withUnsafeBufferPointer { b in c.withUnsafeMutableBufferPointer { c in
        time(repeat: reps) {
            gemm(.none, .none, m: m, n: n, k: k, a: a.baseAddress!, lda: k, b: b.baseAddress!, ldb: n,
                 c: c.baseAddress!, ldc: n)
        }
    } } }
    return flops / t.minimum / 1e9
}

func bench(model: String, times: [Int], repeat count: Int, tiling: ConvolutionTiling) throws {
    let network = try Network(contentsOfFile: model)
    var report: [String: Any] = ["blas_core": BLAS.coreName, "blas_config": BLAS.configuration,
                                 "tile_bytes": tiling.tileBytes, "conv_gemm_kernel": RowIndexedGEMM.kernelName]
    var gemmResults: [[String: Any]] = []
    var peak = 0.0
    for (m, n, k) in [(512, 512, 512), (1024, 1024, 1024), (2048, 2048, 2048)] {
        let g = gemmGFLOPs(m: m, n: n, k: k)
        peak = max(peak, g)
        gemmResults.append(["m": m, "n": n, "k": k, "gflops": g, "kind": "square"])
    }
    // The conv gemms of the benchmark CNN at 3 s: [O, C·9] · [C·9, OH·OW].
    for (m, n, k) in [(32, 19200, 9), (64, 4800, 288), (128, 1200, 576), (128, 600, 1152)] {
        gemmResults.append(["m": m, "n": n, "k": k, "gflops": gemmGFLOPs(m: m, n: n, k: k), "kind": "conv"])
    }
    report["gemm"] = gemmResults
    report["sgemm_peak_gflops"] = peak

    var forwardResults: [String: Any] = [:]
    for t in times {
        var generator = SplitMix(state: UInt64(t))
        // [fixed input dims…, t] from the model's own input shape ([1, 64, T] for the benchmark CNN).
        let shape = network.spec.inputShape.dropLast().map { $0 ?? 1 } + [t]
        let input = Tensor(shape: shape, values: (0..<shape.reduce(1, *)).map { _ in Float.random(in: -3...3, using: &generator) })
        let workspace = try Workspace(network: network, maximumTime: t, tiling: tiling)
        let flops = Double(try network.convolutionFLOPs(time: t))
        let timing = try time(repeat: count) { _ = try network.forward(input, workspace: workspace) }
        forwardResults[String(t)] = [
            "median_ms": timing.median * 1e3, "min_ms": timing.minimum * 1e3, "conv_gflop": flops / 1e9,
            "gflops_median": flops / timing.median / 1e9, "fraction_of_peak": flops / timing.median / 1e9 / peak,
        ]
    }
    report["forward"] = forwardResults
    let data = try JSONSerialization.data(withJSONObject: report, options: [.sortedKeys])
    print(String(decoding: data, as: UTF8.self))
}

let arguments = Array(CommandLine.arguments.dropFirst())
func option(_ name: String) -> [String] {
    guard let index = arguments.firstIndex(of: name) else { return [] }
    return Array(arguments[(index + 1)...].prefix { !$0.hasPrefix("--") })
}

do {
    switch arguments.first {
    case "gemm" where arguments.count == 4:
        let (m, n, k) = (Int(arguments[1])!, Int(arguments[2])!, Int(arguments[3])!)
        print(m, n, k, gemmGFLOPs(m: m, n: n, k: k))
    case "make-model" where arguments.count == 2:
        try makeModel(path: arguments[1])
    case "infer" where arguments.count == 4:
        try infer(model: arguments[1], inputs: arguments[2], outputs: arguments[3])
    case "bench" where arguments.count >= 2:
        let times = option("--times").compactMap(Int.init)
        let repeatCount = option("--repeat").first.flatMap(Int.init) ?? 15
        let tileBytes = option("--tile-bytes").first.flatMap(Int.init) ?? ConvolutionTiling().tileBytes
        try bench(model: arguments[1], times: times.isEmpty ? [300, 6000] : times, repeat: repeatCount,
                  tiling: ConvolutionTiling(tileBytes: tileBytes))
    default:
        fail("usage: NNBenchmark make-model OUT | infer MODEL IN OUT | bench MODEL [--times T...] [--repeat N] [--tile-bytes B] | gemm M N K")
    }
} catch {
    fail("\(error)")
}
