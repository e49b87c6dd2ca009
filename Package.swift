// swift-tools-version:6.0
import PackageDescription

// One C library, one wrapper target, one Swift importer:
//   CSndFile → AudioIO, CSoxr → AudioIO, CFFTW → Spectral, CBLAS → NeuralEngine,
//   CEspeak (libespeak-ng: text → phonemes) → Alignment, CPNG (libpng) → Plotting.
let package = Package(
    name: "attend",
    products: [
        .executable(name: "attend", targets: ["AttendCLI"]),
        .library(name: "Attend", targets: ["Attend"]),
        .executable(name: "attend-bench", targets: ["AttendBench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        .systemLibrary(name: "CSndFile", pkgConfig: "sndfile", providers: [.apt(["libsndfile1-dev"])]),
        .systemLibrary(name: "CFFTW", pkgConfig: "fftw3f", providers: [.apt(["libfftw3-dev"])]),
        .systemLibrary(name: "CBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "CSoxr", pkgConfig: "soxr", providers: [.apt(["libsoxr-dev"])]),
        .systemLibrary(name: "CEspeak", pkgConfig: "espeak-ng", providers: [.apt(["libespeak-ng-dev"])]),
        .systemLibrary(name: "CPNG", pkgConfig: "libpng", providers: [.apt(["libpng-dev"])]),

        .target(name: "AudioIO", dependencies: ["CSndFile", "CSoxr"]),
        .target(name: "Spectral", dependencies: ["CFFTW"]),
        // Elementwise powf and erf over arrays through glibc's libmvec (the α-entmax sums, GELU).
        .target(name: "CVectorMath", linkerSettings: [.linkedLibrary("mvec"), .linkedLibrary("m")]),
        .target(name: "NeuralEngine", dependencies: ["CBLAS", "CVectorMath"]),
        .target(name: "SpeechModels", dependencies: ["NeuralEngine", "Spectral", "CVectorMath"]),
        .target(name: "Alignment", dependencies: ["NeuralEngine", "CEspeak"]),
        // Figures (raster, colour maps, bitmap font, PNG through libpng) for `attend inspect` and --plot.
        .target(name: "Plotting", dependencies: ["CPNG"]),
        .target(name: "Attend", dependencies: ["AudioIO", "Spectral", "NeuralEngine", "SpeechModels", "Alignment", "Plotting"]),
        .executableTarget(name: "AttendCLI", dependencies: [
            "Attend",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),

        // Encoder timing for Benchmarks/encoder (not shipped with the CLI).
        .executableTarget(name: "AttendBench", dependencies: ["Attend"]),

        .testTarget(name: "AudioIOTests", dependencies: ["AudioIO"]),
        .testTarget(name: "SpectralTests", dependencies: ["Spectral"], resources: [.copy("Fixtures")]),
        .testTarget(name: "NeuralEngineTests", dependencies: ["NeuralEngine"], resources: [.copy("Fixtures")]),
        .testTarget(name: "SpeechModelsTests", dependencies: ["SpeechModels"], resources: [.copy("Fixtures")]),
        .testTarget(name: "AlignmentTests", dependencies: ["Alignment"], resources: [.copy("Fixtures")]),
        .testTarget(name: "AttendTests", dependencies: ["Attend"]),
        .testTarget(name: "PlottingTests", dependencies: ["Plotting"]),
        .testTarget(name: "CLITests", dependencies: ["Attend"], exclude: ["Fixtures"]),
    ]
)
