// swift-tools-version:6.0
//
// Speech emotion recognition service: a libmicrohttpd server around a model registry of CNN
// weights, with an offline trainer that shares the feature and network code.
//
// Dependency direction (never the reverse):
//   C bridges -> LinearAlgebra / AudioDecoding -> Features / NeuralNet -> Model -> Analysis -> Service -> SERServer
//                                                                         \-> ModelRegistry -/
//                                                            Model, Analysis -> Training -> SERTrain
// Each C library is imported by exactly one Swift wrapper target:
//   COpenBLAS, CFFTW -> LinearAlgebra;  CSndFile, CSoxr -> AudioDecoding;  CMicroHTTPD -> HTTPServer;
//   CMalloc (glibc's mallopt) -> SERServer.
// WebSocket (RFC 6455 framing and handshake, pure Swift) depends on nothing and knows nothing of HTTP
// servers or emotions.
import PackageDescription

/// `-target-cpu skylake-avx512` (AVX-512 F/CD/BW/DQ/VL, as OpenBLAS's SkylakeX kernel) for the
/// micro-kernel module on x86-64 hosts; elsewhere it is plain Swift that is never called.
#if arch(x86_64)
let avx512Settings: [SwiftSetting] = [.unsafeFlags(["-target-cpu", "skylake-avx512", "-O"])]
#else
let avx512Settings: [SwiftSetting] = [.unsafeFlags(["-O"])]
#endif

let package = Package(
    name: "SpeechEmotion",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "ser-server", targets: ["SERServer"]),
        .executable(name: "ser-train", targets: ["SERTrain"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
    ],
    targets: [
        // MARK: C bridges (system libraries found through pkg-config; Debian -dev packages)
        .systemLibrary(name: "CSndFile", pkgConfig: "sndfile", providers: [.apt(["libsndfile1-dev"])]),
        .systemLibrary(name: "CSoxr", pkgConfig: "soxr", providers: [.apt(["libsoxr-dev"])]),
        .systemLibrary(name: "COpenBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "CFFTW", pkgConfig: "fftw3f", providers: [.apt(["libfftw3-dev"])]),
        .systemLibrary(name: "CMicroHTTPD", pkgConfig: "libmicrohttpd", providers: [.apt(["libmicrohttpd-dev"])]),
        // glibc's mallopt (part of libc6-dev, no library to link).
        .systemLibrary(name: "CMalloc"),

        // MARK: Numerics and audio
        .target(name: "LinearAlgebra", dependencies: ["COpenBLAS", "CFFTW", "GEMMMicroKernel"]),
        // The AVX-512 micro-kernel of `gemm`'s row-indexed form: the only code compiled for AVX-512, and
        // optimised in debug builds too (the tests run it); LinearAlgebra calls it only on CPUs with it.
        .target(name: "GEMMMicroKernel", swiftSettings: avx512Settings),
        .target(name: "AudioDecoding", dependencies: ["CSndFile", "CSoxr"]),

        // MARK: HTTP transport (knows nothing about emotions)
        .target(name: "HTTPServer", dependencies: ["CMicroHTTPD", .product(name: "Logging", package: "swift-log")]),
        // RFC 6455: frame reader and encoder, close codes, opening handshake (SHA-1, base64). No dependencies.
        .target(name: "WebSocket"),

        // MARK: The service and the trainer
        .target(
            name: "Service",
            dependencies: ["AudioDecoding", "HTTPServer", "WebSocket", "Model", "Analysis", "ModelRegistry", "NeuralNet", "LinearAlgebra",
                           .product(name: "Logging", package: "swift-log")],
            resources: [.embedInCode("openapi.yaml"), .embedInCode("Page/index.html")]
        ),
        .executableTarget(
            name: "SERServer",
            dependencies: [
                "Service", "LinearAlgebra", "CMalloc",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "SERTrain",
            dependencies: [
                "AudioDecoding", "LinearAlgebra", "Training", "Model", "Analysis", "Features", "NeuralNet",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(name: "TestSupport", dependencies: ["Model", "NeuralNet", "Features", "AudioDecoding"], path: "Tests/TestSupport"),
        .testTarget(name: "LinearAlgebraTests", dependencies: ["LinearAlgebra"]),
        .testTarget(name: "AudioDecodingTests", dependencies: ["AudioDecoding", "TestSupport"]),
        .testTarget(name: "HTTPServerTests", dependencies: ["HTTPServer", "TestSupport"]),
        .testTarget(name: "WebSocketTests", dependencies: ["WebSocket"]),
        .testTarget(name: "ServiceTests", dependencies: ["Service", "HTTPServer", "Model", "ModelRegistry", "AudioDecoding", "TestSupport"], exclude: ["BadInputs"]),
        .testTarget(name: "ModelTests", dependencies: ["Model", "NeuralNet", "TestSupport"]),
        .testTarget(name: "AnalysisTests", dependencies: ["Analysis", "Model", "AudioDecoding", "LinearAlgebra", "TestSupport"], exclude: ["Fixtures"]),
        .testTarget(name: "ModelRegistryTests", dependencies: ["ModelRegistry", "Model", "TestSupport"]),

        // Audio features (log-mel, MFCC, pitch, formants, ...) from [Float] PCM; librosa parity fixtures.
        .target(name: "Features", dependencies: ["LinearAlgebra"]),
        .testTarget(name: "FeaturesTests", dependencies: ["Features", "TestSupport"], resources: [.copy("Fixtures")]),
        .target(name: "NeuralNet", dependencies: ["LinearAlgebra"]),

        // The model: its file (safetensors + manifest), input spec, the front-end shared by server and
        // trainer, and calibrated inference sessions.
        .target(name: "Model", dependencies: ["Features", "NeuralNet", "LinearAlgebra"]),
        // The analysis of a recording: window plan, voice activity, timeline, scoring pipeline, sources.
        .target(name: "Analysis", dependencies: ["Model", "Features", "NeuralNet", "AudioDecoding"]),
        // The hot-reloading registry of Models/<name>/<version>/: scan, load, swap, reload report.
        .target(name: "ModelRegistry", dependencies: ["Model", .product(name: "Logging", package: "swift-log")]),
        .testTarget(name: "NeuralNetTests", dependencies: ["NeuralNet", "TestSupport"], resources: [.copy("Fixtures")]),
        .target(name: "Training", dependencies: ["Model", "Analysis", "NeuralNet", "Features", "AudioDecoding", "LinearAlgebra", .product(name: "Logging", package: "swift-log")]),
        .testTarget(name: "TrainingTests", dependencies: ["Training", "Model", "Analysis", "ModelRegistry", "TestSupport"]),
    ]
)

// Benchmarks are built only on request (`SER_BENCHMARKS=1 swift build -c release ...`, see
// benchmarks/*/run.sh), so everyday builds and tests never compile them.
if Context.environment["SER_BENCHMARKS"] != nil {
    package.targets.append(.executableTarget(
        name: "FeatureBenchmark", dependencies: ["Features", "LinearAlgebra"], path: "benchmarks/features/FeatureBenchmark"))
    package.products.append(.executable(name: "FeatureBenchmark", targets: ["FeatureBenchmark"]))
    // sgemm peak and CNN forward GFLOP/s against onnxruntime (benchmarks/nn/run.sh).
    package.targets.append(.executableTarget(
        name: "NNBenchmark", dependencies: ["NeuralNet", "LinearAlgebra"], path: "benchmarks/nn/NNBenchmark"))
    package.products.append(.executable(name: "NNBenchmark", targets: ["NNBenchmark"]))
    // Network inputs/outputs of a model on real audio, for the onnxruntime parity check.
    package.targets.append(.executableTarget(
        name: "ModelIO", dependencies: ["Model", "Analysis", "AudioDecoding", "NeuralNet", "LinearAlgebra"], path: "benchmarks/nn/ModelIO"))
    package.products.append(.executable(name: "ModelIO", targets: ["ModelIO"]))
    // Speech detector: frame F1 on seeded corpus-in-noise mixtures, false alarms on call tones and
    // hold music, CPU per audio second, against the old voice-activity rule (benchmarks/vad/run.sh).
    package.targets.append(.executableTarget(
        name: "VADBenchmark", dependencies: ["Features", "AudioDecoding"], path: "benchmarks/vad/VADBenchmark"))
    package.products.append(.executable(name: "VADBenchmark", targets: ["VADBenchmark"]))
}

// libFuzzer targets are built only on request (`SER_FUZZ=1`, see scripts/reliability/fuzz.sh), with
// `-sanitize=fuzzer,address`, so everyday builds and tests never compile them.
if Context.environment["SER_FUZZ"] != nil {
    package.targets.append(.target(name: "CLibFuzzer", path: "fuzz/CLibFuzzer"))
    package.targets.append(.target(name: "FuzzSupport", dependencies: ["CLibFuzzer"], path: "fuzz/FuzzSupport"))
    for (name, dependencies) in [
        ("FuzzAudioDecoder", ["AudioDecoding"]),
        ("FuzzModelFile", ["ModelRegistry", "NeuralNet", "TestSupport"]),
        ("FuzzMultipart", ["HTTPServer"]),
        ("FuzzRequest", ["Service", "HTTPServer", "ModelRegistry", "AudioDecoding", "TestSupport"]),
        ("FuzzWebSocketFrame", ["WebSocket"]),
    ] as [(String, [Target.Dependency])] {
        var all = dependencies + ["FuzzSupport"]
        if name == "FuzzRequest" { all.append(.product(name: "Logging", package: "swift-log")) }
        package.targets.append(.executableTarget(name: name, dependencies: all, path: "fuzz/\(name)"))
        package.products.append(.executable(name: name, targets: [name]))
    }
}

// Strictness for every Swift target of ours, applied in one place (the swift-log pattern).
for target in package.targets where target.type != .system {
    var settings = target.swiftSettings ?? []
    settings.append(.enableUpcomingFeature("ExistentialAny"))
    settings.append(.enableUpcomingFeature("MemberImportVisibility"))
    settings.append(.unsafeFlags(["-warnings-as-errors"], .when(configuration: .debug)))
    target.swiftSettings = settings
}
