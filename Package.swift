// swift-tools-version:6.0
//
// Speech emotion recognition service: a libmicrohttpd server around a model registry of CNN
// weights, with an offline trainer that shares the feature and network code.
//
// Dependency direction (never the reverse):
//   C bridges -> LinearAlgebra / AudioDecoding -> Features / NeuralNet -> ModelRegistry -> Service -> SERServer
//                                                                                \-> Training -> SERTrain
// Each C library is imported by exactly one Swift wrapper target:
//   COpenBLAS, CFFTW -> LinearAlgebra;  CSndFile, CSoxr -> AudioDecoding;  CMicroHTTPD -> HTTPServer.
import PackageDescription

let package = Package(
    name: "SpeechEmotion",
    platforms: [.macOS(.v15)],
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

        .target(name: "LinearAlgebra", dependencies: ["COpenBLAS", "CFFTW"]),
        .testTarget(name: "LinearAlgebraTests", dependencies: ["LinearAlgebra"]),

        // Audio features (log-mel, MFCC, pitch, formants, ...) from [Float] PCM; librosa parity fixtures.
        .target(name: "Features", dependencies: ["LinearAlgebra"]),
        .testTarget(name: "FeaturesTests", dependencies: ["Features"], resources: [.copy("Fixtures")]),
    ]
)

// Benchmarks are built only on request (`SER_BENCHMARKS=1 swift build -c release ...`, see
// benchmarks/*/run.sh), so everyday builds and tests never compile them.
if Context.environment["SER_BENCHMARKS"] != nil {
    package.targets.append(.executableTarget(
        name: "FeatureBenchmark", dependencies: ["Features", "LinearAlgebra"], path: "benchmarks/features/FeatureBenchmark"))
    package.products.append(.executable(name: "FeatureBenchmark", targets: ["FeatureBenchmark"]))
}

// Strictness for every Swift target of ours, applied in one place (the swift-log pattern).
for target in package.targets where target.type != .system {
    var settings = target.swiftSettings ?? []
    settings.append(.enableUpcomingFeature("ExistentialAny"))
    settings.append(.enableUpcomingFeature("MemberImportVisibility"))
    settings.append(.unsafeFlags(["-warnings-as-errors"], .when(configuration: .debug)))
    target.swiftSettings = settings
}
