import CBLAS

/// NeuralEngine: float32 tensors and inference kernels on OpenBLAS for attend's models.
///
/// Conventions shared by every kernel in this module (the PyTorch reference in `Training/attend/`
/// follows the same ones):
/// - Tensors are row-major, contiguous `Float` arrays; a sequence is `(frames, channels)`.
/// - Weights use PyTorch layouts: `Linear` `(out, in)`, `Conv1d` `(out, in/groups, k)`,
///   `Conv2d` `(out, in/groups, kh, kw)`.
/// - Kernels write into caller-owned, preallocated outputs (`inout Tensor`) so hot paths allocate
///   nothing per frame; a layer that needs scratch memory owns it and reuses it between calls.
/// - All BLAS calls go through this module; call `Engine.setThreads(_:)` once at start-up
///   (the default used by attend is one thread).
public enum Engine {
    /// Number of threads OpenBLAS may use. Small matrices (a streaming chunk) run fastest on one.
    public static func setThreads(_ n: Int) {
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
