// swift-tools-version:6.0
import PackageDescription

// libFuzzer targets for attend's parsers, kept out of the root package so that `swift build`
// there never needs the fuzzer runtime. Build and run with `scripts/fuzz.sh` (it passes
// `-sanitize=fuzzer,address`). Each target's main.swift defines its test function and hands it
// to libFuzzer (`runLibFuzzer`, through LLVMFuzzerRunDriver); it is also exported as
// `LLVMFuzzerTestOneInput`.
let package = Package(
    name: "attend-fuzz",
    dependencies: [
        .package(name: "attend", path: ".."),
    ],
    targets: [
        .target(name: "FuzzSupport"),
        // Bytes on stdin (WAV/FLAC/OGG/raw PCM) through AudioFileReader's pipe path and MonoStream.
        .executableTarget(name: "FuzzStreamReader", dependencies: ["FuzzSupport", .product(name: "Attend", package: "attend")]),
        // A safetensors file plus a JSON config through Checkpoint, ModelConfig and AttendModel.
        .executableTarget(name: "FuzzCheckpoint", dependencies: ["FuzzSupport", .product(name: "Attend", package: "attend")]),
        // Transcript text through the normaliser and libespeak-ng G2P.
        .executableTarget(name: "FuzzTranscript", dependencies: ["FuzzSupport", .product(name: "Attend", package: "attend")]),
        // .npy decoding, and encoding/streaming-writing round trips of arbitrary floats.
        .executableTarget(name: "FuzzNPY", dependencies: ["FuzzSupport", .product(name: "Attend", package: "attend")]),
    ]
)
