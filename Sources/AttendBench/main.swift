// attend-bench: timing of the Swift encoder for Benchmarks/encoder (not part of the `attend` CLI).
//
//   attend-bench encoder   --model M.safetensors [--config M.json] --frames N [--chunk C --left L]
//                          [--repeat R] [--warmup W] [--seed S] [--input feats.f32] [--output hidden.f32]
//                          [--stream] [--feed P]
//   attend-bench attention --model M.safetensors [--config M.json] --frames N [--chunk C --left L]
//                          [--layer I] [--repeat R] [--warmup W] [--seed S] [--stream]
//   attend-bench features  --input AUDIO [--kind power] [--mels 80] [--repeat R] [--warmup W] [--output F.npy]
//
// `encoder` runs `EncoderSession` over N frames of seeded random features (or `--input`, raw
// little-endian float32 (frames, n_bins) as numpy's `tofile` writes) R times, each run with a fresh session: full context without
// `--chunk`, else chunked with C frames per chunk and L frames of left context (L = 0 means
// unlimited, offline only). `--stream` feeds C frames per `encode` call and reports the cost of
// every chunk; `--output` writes the hidden states of the first run as raw float32 (frames, d_model); `--feed P` feeds P frames per call (bounds memory for hours of frames).
// `attention` times one attention layer of the model alone over N random frames (x ~ N(0, 1)),
// in one offline call, or with `--stream` chunk by chunk through a KVCache (per-chunk CPU times,
// medians per minute of frames).
// `features` decodes AUDIO to 16 kHz mono (not timed, as the Python contenders of
// Benchmarks/features are timed on the decoded array) and times `FeatureExtractor.extract` on it
// R times; it also times the STFT alone (`--kind power` without mels), so the mel and log stages'
// share shows. `--output` writes the features of the last run as .npy (for the parity check).
// Prints one JSON object on stdout: wall seconds ("seconds") and process CPU seconds
// ("cpu_seconds") as median/min/max over the timed runs; rates use the CPU seconds. BLAS runs on one thread (Engine.setThreads(1)); pin the
// process with `taskset -c 0` for one-core numbers.
import Attend
import Foundation

struct Failure: Error, CustomStringConvertible {
    let description: String
}

struct Options {
    var command = ""
    var model = ""
    var config: String?
    var frames = 1000
    var chunk = 0
    var left = 0
    var repeats = 5
    var warmup = 1
    var seed: UInt64 = 1
    var input: String?
    var output: String?
    var stream = false
    var feed = 0
    var layer = 0
    var kind = "power"
    var mels: Int? = 80

    init(_ args: [String]) throws(Failure) {
        guard let first = args.first, ["encoder", "attention", "features"].contains(first) else {
            throw Failure(description: "usage: attend-bench encoder|attention --model M.safetensors --frames N [--chunk C --left L] [--repeat R], attend-bench features --input AUDIO (see Sources/AttendBench/main.swift)")
        }
        command = first
        var i = 1
        func value(_ name: String) throws(Failure) -> String {
            guard i + 1 < args.count else { throw Failure(description: "attend-bench: \(name) needs a value") }
            i += 1
            return args[i]
        }
        func int(_ name: String) throws(Failure) -> Int {
            let v = try value(name)
            guard let n = Int(v), n >= 0 else { throw Failure(description: "attend-bench: \(name) \(v) is not a non-negative integer") }
            return n
        }
        while i < args.count {
            let a = args[i]
            switch a {
            case "--model": model = try value(a)
            case "--config": config = try value(a)
            case "--frames": frames = try int(a)
            case "--chunk": chunk = try int(a)
            case "--left": left = try int(a)
            case "--repeat": repeats = max(1, try int(a))
            case "--warmup": warmup = try int(a)
            case "--seed": seed = UInt64(try int(a))
            case "--input": input = try value(a)
            case "--output": output = try value(a)
            case "--stream": stream = true
            case "--feed": feed = try int(a)
            case "--layer": layer = try int(a)
            case "--kind": kind = try value(a)
            case "--mels": let m = try int(a); mels = m > 0 ? m : nil
            default: throw Failure(description: "attend-bench: unknown option \(a)")
            }
            i += 1
        }
        if command == "features" {
            guard input != nil else { throw Failure(description: "attend-bench: features needs --input AUDIO") }
            return
        }
        guard !model.isEmpty else { throw Failure(description: "attend-bench: --model is required") }
        if stream && (chunk == 0 || left == 0) { throw Failure(description: "attend-bench: --stream needs --chunk C and --left L > 0") }
    }

    var context: ChunkedContext? { chunk > 0 ? ChunkedContext(chunkSize: chunk, leftContext: left > 0 ? left : nil) : nil }
    var configPath: String { config ?? (model.hasSuffix(".safetensors") ? String(model.dropLast(12)) + ".json" : model + ".json") }
}

/// SplitMix64: a small seeded generator so inputs are reproducible.
struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func uniform() -> Float { Float(next() >> 40) / Float(1 << 24) }
    mutating func normal() -> Float {
        let u = max(uniform(), 1e-7), v = uniform()
        return (-2 * logf(u)).squareRoot() * cosf(2 * .pi * v)
    }
}

func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds) * 1e-9 }

/// CPU seconds used by this process (all threads). Pinned to one core under load from other
/// jobs, this is what the wall time would be on an idle core; wall time is reported too.
func cpuNow() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
}

func summary(_ times: [Double]) -> [String: Any] {
    let s = times.sorted()
    let median = s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
    return ["median": median, "min": s.first!, "max": s.last!, "runs": times]
}

func statsJSON(_ s: AttentionStats) -> [String: Any] {
    ["value_rows": s.valueRows, "skipped_value_rows": s.skippedValueRows, "zero_weights": s.zeroWeights,
     "zero_share": s.valueRows == 0 ? 0 : Double(s.zeroWeights) / Double(s.valueRows),
     "skipped_share": s.skippedShare, "blocks": s.blocks]
}

func contextJSON(_ o: Options) -> [String: Any] {
    o.chunk == 0 ? ["kind": "full"] : ["kind": "chunked", "chunk": o.chunk, "left": o.left]
}

func loadModel(_ o: Options) throws -> AttendModel {
    try AttendModel(weights: URL(fileURLWithPath: o.model), config: URL(fileURLWithPath: o.configPath))
}

func features(_ o: Options, bins: Int) throws -> Tensor {
    if let path = o.input {
        // Raw little-endian float32, row-major (frames, bins): numpy's `tofile`.
        guard let bytes = FileManager.default.contents(atPath: path) else { throw Failure(description: "\(path): cannot read") }
        guard bytes.count % (4 * bins) == 0, !bytes.isEmpty else {
            throw Failure(description: "\(path): \(bytes.count) bytes is not a whole number of \(bins)-bin float32 frames")
        }
        let data = bytes.withUnsafeBytes { raw in
            (0..<(bytes.count / 4)).map { Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 4, as: UInt32.self))) }
        }
        return Tensor(shape: [data.count / bins, bins], data: data)
    }
    // Compressed magnitudes lie in [0, a few]: u² · 2 with u uniform, like the golden files.
    var rng = SplitMix(state: o.seed)
    var data = [Float](repeating: 0, count: o.frames * bins)
    for i in data.indices { let u = rng.uniform(); data[i] = u * u * 2 }
    return Tensor(shape: [o.frames, bins], data: data)
}

/// Writes floats as raw little-endian float32 (numpy: `np.fromfile(path, np.float32)`).
func writeRaw(_ values: [Float], to path: String) throws {
    let data = values.withUnsafeBufferPointer { Data(buffer: $0) }
    try data.write(to: URL(fileURLWithPath: path))
}

func runEncoder(_ o: Options) throws -> [String: Any] {
    let t0 = now()
    let model = try loadModel(o)
    let loadSeconds = now() - t0
    let feats = try features(o, bins: model.config.nBins)
    let n = feats.shape[0], bins = feats.shape[1]
    var result: [String: Any] = ["command": "encoder", "frames": n, "context": contextJSON(o), "model_load_seconds": loadSeconds,
                                 "blas_threads": Engine.threads, "alphas": model.alphas]
    if o.stream, let ctx = o.context {
        // Feed C frames per call; time every call. The first chunks fill the caches; later ones
        // should all cost the same.
        var perRun: [Double] = [], perRunCPU: [Double] = [], chunkTimes: [Double] = [], lastStats = AttentionStats()
        for r in 0..<(o.warmup + o.repeats) {
            let session = EncoderSession(model: model, context: ctx)
            var times: [Double] = []
            var out: [Float] = []
            let start = now(), startCPU = cpuNow()
            var f = 0
            while f < n {
                let m = min(ctx.chunkSize, n - f)
                let piece = Tensor(shape: [m, bins], data: Array(feats.data[(f * bins)..<((f + m) * bins)]))
                let c0 = cpuNow()
                let y = session.encode(piece)
                if m == ctx.chunkSize { times.append(cpuNow() - c0) }  // a last partial chunk only waits for finish()
                if r == 0 { out += y.elements }
                f += m
            }
            let y = session.finish()
            if r == 0 { out += y.elements }
            let total = now() - start, totalCPU = cpuNow() - startCPU
            if r == 0, let path = o.output { try writeRaw(out, to: path) }
            if r >= o.warmup { perRun.append(total); perRunCPU.append(totalCPU); chunkTimes = times; lastStats = session.stats }
        }
        let s = summary(perRun), sc = summary(perRunCPU)
        let k = max(1, chunkTimes.count / 10)
        let firstTenth = summary(Array(chunkTimes.prefix(k))), lastTenth = summary(Array(chunkTimes.suffix(k)))
        result["mode"] = "stream"
        result["seconds"] = s
        result["cpu_seconds"] = sc
        result["frames_per_second"] = Double(n) / (sc["median"] as! Double)
        // CPU seconds per `encode` call of C frames.
        result["chunk_seconds"] = ["count": chunkTimes.count, "median": (summary(chunkTimes)["median"] as! Double),
                                   "first_tenth_median": firstTenth["median"]!, "last_tenth_median": lastTenth["median"]!,
                                   "max": chunkTimes.max() ?? 0, "times": chunkTimes]
        result["stats"] = statsJSON(lastStats)
        return result
    }
    var perRun: [Double] = [], perRunCPU: [Double] = [], lastStats = AttentionStats()
    let feed = o.feed > 0 && o.context?.leftContext != nil ? o.feed : n
    for r in 0..<(o.warmup + o.repeats) {
        let start = now(), startCPU = cpuNow()
        let session = EncoderSession(model: model, context: o.context)
        var out: [Float] = []
        let keep = r == 0 && o.output != nil
        if feed >= n {
            let y = session.encode(feats)
            if keep { out += y.elements }
        } else {
            var f = 0
            while f < n {
                let m = min(feed, n - f)
                let y = session.encode(Tensor(shape: [m, bins], data: Array(feats.data[(f * bins)..<((f + m) * bins)])))
                if keep { out += y.elements }
                f += m
            }
        }
        let y = session.finish()
        if keep { out += y.elements }
        let total = now() - start, totalCPU = cpuNow() - startCPU
        if keep, let path = o.output { try writeRaw(out, to: path) }
        if r >= o.warmup { perRun.append(total); perRunCPU.append(totalCPU); lastStats = session.stats }
    }
    let s = summary(perRun), sc = summary(perRunCPU)
    result["mode"] = "offline"
    result["feed"] = feed
    result["seconds"] = s
    result["cpu_seconds"] = sc
    result["frames_per_second"] = Double(n) / (sc["median"] as! Double)
    result["stats"] = statsJSON(lastStats)
    return result
}

func runAttention(_ o: Options) throws -> [String: Any] {
    let checkpoint = try Checkpoint(weights: URL(fileURLWithPath: o.model), config: URL(fileURLWithPath: o.configPath))
    let model = try AttendModel(checkpoint: checkpoint)
    let c = model.config
    guard o.layer < c.nLayers else { throw Failure(description: "attend-bench: --layer \(o.layer) but the model has \(c.nLayers) layers") }
    let d = c.dModel
    func linear(_ name: String) throws -> Linear {
        let prefix = "blocks.\(o.layer).attn.\(name)"
        return Linear(weight: Tensor(shape: [d, d], data: try checkpoint.require(prefix + ".weight", shape: [d, d])),
                      bias: Tensor(shape: [d], data: try checkpoint.require(prefix + ".bias", shape: [d])))
    }
    let normalizer: AttentionNormalizer = switch c.normaliser {
    case "softmax": .softmax
    case "sparsemax": .sparsemax
    case "entmax15": .entmax15
    default: .entmax(alpha: model.alphas[o.layer], iterations: c.entmaxIters)
    }
    let attention = MultiHeadAttention(query: try linear("q"), key: try linear("k"), value: try linear("v"), output: try linear("out"),
                                       heads: c.nHeads, rotary: RotaryEmbedding(headDim: c.headDim, base: c.ropeBase), normalizer: normalizer)
    var rng = SplitMix(state: o.seed)
    var x = Tensor(zeros: [o.frames, d])
    for i in 0..<x.count { x.data[i] = rng.normal() }
    if o.stream, let ctx = o.context {
        // Chunk by chunk through a key/value cache, as a live stream: CPU seconds of every chunk,
        // then the median per minute of frames (6000 frames) to show the cost stays flat.
        var cache = KVCache(for: attention, context: ctx)
        let ws = AttentionWorkspace()
        var y = Tensor(zeros: [0]), times: [Double] = []
        let start = now(), startCPU = cpuNow()
        var f = 0
        while f < o.frames {
            let m = min(ctx.chunkSize, o.frames - f)
            let piece = Tensor(shape: [m, d], data: Array(x.data[(f * d)..<((f + m) * d)]))
            let c0 = cpuNow()
            attention.stream(piece, context: ctx, cache: &cache, workspace: ws, into: &y)
            if m == ctx.chunkSize { times.append(cpuNow() - c0) }
            f += m
        }
        let total = now() - start, totalCPU = cpuNow() - startCPU
        // Chunk k starts at frame k·C; minute m holds the chunks starting in frames [6000m, 6000(m+1)).
        var groups: [[Double]] = []
        for (k, t) in times.enumerated() {
            let m = k * ctx.chunkSize / 6000
            if m == groups.count { groups.append([]) }
            groups[m].append(t)
        }
        let minutes = groups.map { summary($0)["median"] as! Double }
        return ["command": "attention", "mode": "stream", "layer": o.layer, "frames": o.frames, "context": contextJSON(o),
                "blas_threads": Engine.threads, "alphas": model.alphas[o.layer], "seconds": summary([total]), "cpu_seconds": summary([totalCPU]),
                "microseconds_per_frame": totalCPU / Double(o.frames) * 1e6, "chunk_cpu_seconds": summary(times).filter { $0.key != "runs" },
                "minute_median_chunk_cpu_seconds": minutes, "stats": statsJSON(ws.stats)]
    }
    let mask: AttentionMask = o.context.map { .chunked($0) } ?? .full
    var perRun: [Double] = [], perRunCPU: [Double] = [], lastStats = AttentionStats()
    var y = Tensor(zeros: [0])
    for r in 0..<(o.warmup + o.repeats) {
        let ws = AttentionWorkspace()
        let start = now(), startCPU = cpuNow()
        attention(x, mask: mask, workspace: ws, into: &y)
        let total = now() - start, totalCPU = cpuNow() - startCPU
        if r >= o.warmup { perRun.append(total); perRunCPU.append(totalCPU); lastStats = ws.stats }
    }
    let s = summary(perRun), sc = summary(perRunCPU)
    return ["command": "attention", "layer": o.layer, "frames": o.frames, "context": contextJSON(o), "blas_threads": Engine.threads,
            "alphas": model.alphas[o.layer], "seconds": s, "cpu_seconds": sc,
            "microseconds_per_frame": (sc["median"] as! Double) / Double(o.frames) * 1e6,
            "stats": statsJSON(lastStats)]
}

func runFeatures(_ o: Options) throws -> [String: Any] {
    guard let kind = FeatureKind(rawValue: o.kind) else { throw Failure(description: "attend-bench: unknown --kind \(o.kind)") }
    let stream = try MonoStream(reader: try AudioFileReader(path: o.input!, rejectNonFinite: true))
    var samples: [Float] = []
    while let chunk = try stream.next() { samples += chunk }
    func time(_ extractor: FeatureExtractor) -> (wall: [Double], cpu: [Double], last: FeatureMatrix) {
        var wall: [Double] = [], cpu: [Double] = []
        var last = FeatureMatrix(frames: 0, bins: extractor.bins, values: [])
        for r in 0..<(o.warmup + o.repeats) {
            let start = now(), startCPU = cpuNow()
            last = extractor.extract(samples)
            let w = now() - start, c = cpuNow() - startCPU
            if r >= o.warmup { wall.append(w); cpu.append(c) }
        }
        return (wall, cpu, last)
    }
    let full = time(try FeatureExtractor(FeatureConfiguration(kind: kind, mels: o.mels)))
    let stftOnly = time(try FeatureExtractor(FeatureConfiguration(kind: .power, mels: nil)))
    if let output = o.output {
        try NPY.write(Tensor(shape: [full.last.frames, full.last.bins], data: full.last.values), to: output)
    }
    let frames = Double(full.last.frames), seconds = Double(samples.count) / 16000
    let cpu = summary(full.cpu), stftCPU = summary(stftOnly.cpu)
    return ["command": "features", "kind": o.kind, "mels": o.mels as Any, "frames": full.last.frames, "audio_seconds": seconds,
            "seconds": summary(full.wall), "cpu_seconds": cpu,
            "microseconds_per_frame": (cpu["median"] as! Double) / frames * 1e6,
            "stft_power_cpu_seconds": stftCPU,
            "stft_power_microseconds_per_frame": (stftCPU["median"] as! Double) / frames * 1e6]
}

do {
    let options = try Options(Array(CommandLine.arguments.dropFirst()))
    Engine.setThreads(1)
    let result = switch options.command {
    case "encoder": try runEncoder(options)
    case "features": try runFeatures(options)
    default: try runAttention(options)
    }
    let data = try JSONSerialization.data(withJSONObject: result, options: [.sortedKeys])
    print(String(decoding: data, as: UTF8.self))
} catch {
    FileHandle.standardError.write(Data("attend-bench: \(error)\n".utf8))
    exit(1)
}
