import Foundation

/// Rotary position embedding in the GPT-NeoX ("rotate_half") convention.
///
/// For a head of dimension D (even), element i < D/2 is paired with element i + D/2:
///
///     invFreq[i] = 1 / base^(2i / D)             (float64, as Training/attend/model.py `rotary`)
///     θ = Double(position) · invFreq[i]          (float64, then cos θ and sin θ rounded to float32)
///
/// Angles are computed in double precision so that hours into a stream (positions of 10⁶ and
/// more) the rotation is still exact to float32, as in the PyTorch reference.
///     y[i]       = x[i] · cos θ − x[i + D/2] · sin θ
///     y[i + D/2] = x[i + D/2] · cos θ + x[i] · sin θ
///
/// Positions are absolute frame indices (0 for the first frame of a stream), so keys stored in a
/// `KVCache` keep their rotation and chunked streaming equals the offline pass.
public struct RotaryEmbedding: Sendable {
    public let headDim: Int
    public let base: Float
    /// 1 / base^(2i/D), i in 0..<D/2.
    public let inverseFrequencies: [Double]

    public init(headDim: Int, base: Float = 10000) {
        precondition(headDim % 2 == 0 && headDim > 0, "RotaryEmbedding: head dimension \(headDim) must be even")
        self.headDim = headDim
        self.base = base
        self.inverseFrequencies = (0..<(headDim / 2)).map { i in
            1 / pow(Double(base), Double(2 * i) / Double(headDim))
        }
    }

    /// Rotates `rows` frames at `x` in place. Each frame holds `heads` heads of `headDim` elements
    /// starting at `x + r · stride`; frame r has absolute position `firstPosition + r`.
    public func apply(_ x: UnsafeMutablePointer<Float>, rows: Int, stride: Int, heads: Int, firstPosition: Int) {
        apply(x, nil, rows: rows, stride: stride, heads: heads, firstPosition: firstPosition)
    }

    /// Rotates two buffers of the same frames (queries and keys) with one evaluation of cos/sin.
    public func apply(_ x: UnsafeMutablePointer<Float>, _ y: UnsafeMutablePointer<Float>?, rows: Int, stride: Int,
                      heads: Int, firstPosition: Int) {
        let half = headDim / 2
        inverseFrequencies.withUnsafeBufferPointer { inv in
            withUnsafeTemporaryAllocation(of: Float.self, capacity: 2 * half) { cs in
                let c = cs.baseAddress!, s = c + half
                for r in 0..<rows {
                    let pos = Double(firstPosition + r)
                    for i in 0..<half {
                        let theta = pos * inv[i]
                        c[i] = Float(cos(theta))
                        s[i] = Float(sin(theta))
                    }
                    rotate(x + r * stride, heads: heads, c, s)
                    if let y { rotate(y + r * stride, heads: heads, c, s) }
                }
            }
        }
    }

    @inline(__always)
    private func rotate(_ frame: UnsafeMutablePointer<Float>, heads: Int, _ c: UnsafePointer<Float>, _ s: UnsafePointer<Float>) {
        let half = headDim / 2
        for h in 0..<heads {
            let v = frame + h * headDim
            for i in 0..<half {
                let a = v[i], b = v[i + half]
                v[i] = a * c[i] - b * s[i]
                v[i + half] = b * c[i] + a * s[i]
            }
        }
    }

    /// Rotates a `(frames, heads · headDim)` tensor in place; frame r has position `firstPosition + r`.
    public func apply(_ x: inout Tensor, heads: Int, firstPosition: Int = 0) {
        let width = heads * headDim
        precondition(x.shape.last == width, "RotaryEmbedding: input \(x.shape), expected last dimension \(width)")
        let rows = x.count / width
        x.withMutablePointer { apply($0, rows: rows, stride: width, heads: heads, firstPosition: firstPosition) }
    }
}
