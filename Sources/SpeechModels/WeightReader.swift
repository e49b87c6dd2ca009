import NeuralEngine

/// Builds layers from a checkpoint, checking every tensor's presence and shape, and notes which
/// tensors it read so that the model can refuse a file with tensors it would ignore.
struct WeightReader {
    let checkpoint: Checkpoint
    private let names = ReadNames()

    init(checkpoint: Checkpoint) { self.checkpoint = checkpoint }

    final class ReadNames { var set: Set<String> = [] }

    /// The names read so far.
    var read: Set<String> { names.set }

    func tensor(_ name: String, _ shape: [Int]) throws(CheckpointError) -> Tensor {
        names.set.insert(name)
        return Tensor(shape: shape, data: try checkpoint.require(name, shape: shape))
    }

    func linear(_ prefix: String, in i: Int, out o: Int) throws(CheckpointError) -> Linear {
        Linear(weight: try tensor(prefix + ".weight", [o, i]), bias: try tensor(prefix + ".bias", [o]))
    }

    func layerNorm(_ prefix: String, _ d: Int, eps: Float) throws(CheckpointError) -> LayerNorm {
        LayerNorm(weight: try tensor(prefix + ".weight", [d]), bias: try tensor(prefix + ".bias", [d]), eps: eps)
    }

    func conv1d(_ prefix: String, in i: Int, out o: Int, kernel k: Int, groups: Int, causal: Bool, padding: Int = 0) throws(CheckpointError) -> Conv1d {
        Conv1d(weight: try tensor(prefix + ".weight", [o, i / groups, k]), bias: try tensor(prefix + ".bias", [o]),
               groups: groups, causal: causal, padding: padding)
    }

    func conv2d(_ prefix: String, in i: Int, out o: Int, kernel: (Int, Int), strideFreq: Int, padFreq: Int) throws(CheckpointError) -> Conv2d {
        Conv2d(weight: try tensor(prefix + ".weight", [o, i, kernel.0, kernel.1]), bias: try tensor(prefix + ".bias", [o]),
               strideFreq: strideFreq, padFreq: padFreq)
    }
}
