import CBLAS
import Foundation

/// NeuralEngine: float32 tensors and inference kernels on OpenBLAS for attend's models.
///
/// Conventions shared by every kernel in this module (the PyTorch reference in `Training/attend/`
/// follows the same ones):
/// - Tensors are row-major, contiguous `Float` arrays; a sequence is `(frames, channels)`.
/// - Weights use PyTorch layouts: `Linear` `(out, in)`, `Conv1d` `(out, in/groups, k)`,
///   `Conv2d` `(out, in/groups, kh, kw)`.
/// - Kernels write into caller-owned, preallocated outputs (`inout Tensor`) so hot paths allocate
///   nothing per frame; a layer that needs scratch memory owns it and reuses it between calls.
/// - All BLAS calls go through this module. OpenBLAS runs on ONE thread unless
///   `Engine.setThreads(_:)` says otherwise (or `OPENBLAS_NUM_THREADS` is set in the environment):
///   the first kernel call applies that default.
///
/// Example: one chunked self-attention layer with per-head α-entmax, offline and streaming.
///
///     Engine.setThreads(1)
///     let mha = MultiHeadAttention(query: q, key: k, value: v, output: o, heads: 4,
///                                  rotary: RotaryEmbedding(headDim: 36),
///                                  normalizer: .entmax(alpha: [1.2, 1.5, 1.8, 2.0]))
///     let context = ChunkedContext(chunkSize: 16, leftContext: 64)   // frames
///     let ws = AttentionWorkspace()
///     var y = Tensor(zeros: [])
///     mha(x, mask: .chunked(context), workspace: ws, into: &y)         // x: (frames, 144)
///
///     var cache = KVCache(for: mha, context: context)                  // L + C frames
///     for chunk in chunks {                                            // (16, 144) each
///         mha.stream(chunk, context: context, cache: &cache, workspace: ws, into: &y)
///     }
///     print(ws.stats.skippedShare)                                     // value rows skipped
public enum Engine {
    /// Applied once, before the first BLAS call or `setThreads`.
    @usableFromInline static let defaultThreads: Void = {
        if ProcessInfo.processInfo.environment["OPENBLAS_NUM_THREADS"] == nil {
            openblas_set_num_threads(1)
        }
    }()

    /// Number of threads OpenBLAS may use (default 1). Small matrices (a streaming chunk) run
    /// fastest on one; call before starting work, not while other threads run kernels.
    public static func setThreads(_ n: Int) {
        _ = defaultThreads
        openblas_set_num_threads(Int32(max(1, n)))
    }

    /// Threads OpenBLAS currently uses.
    public static var threads: Int { Int(openblas_get_num_threads()) }

    /// OpenBLAS build description (version, target core, threading model).
    public static var blasConfig: String { String(cString: openblas_get_config()) }
}

/// Version/config of the BLAS this target wraps (kept for callers of the package skeleton).
public enum EngineLibraries {
    public static var blasConfig: String { Engine.blasConfig }
}
