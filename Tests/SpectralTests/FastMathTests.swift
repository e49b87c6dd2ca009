import Foundation
import Testing
@testable import Spectral

@Suite struct FastMathTests {
    static func sweep() -> [Float] {
        var xs: [Float] = [0, Float.leastNonzeroMagnitude, Float(sign: .plus, exponent: -133, significand: 1), Float.leastNormalMagnitude, 1e-30, 1e-12,
                           1e-6, 0.5, 0.70710677, 0.7071068, 1, 2, 1e6, 1e20, 1e30, 3e38,
                           Float.greatestFiniteMagnitude, .infinity]
        var rng = SeededRNG(seed: 21)
        for _ in 0..<2000 { xs.append(Float(pow(10.0, Double.random(in: -37...37, using: &rng)))) }
        return xs
    }

    @Test func powMatchesLibm() {
        let xs = Self.sweep()
        for p: Float in [0.15, 0.5, 1.0 / 3.0, 1] {
            var out = [Float](repeating: -1, count: xs.count)
            xs.withUnsafeBufferPointer { x in out.withUnsafeMutableBufferPointer { FastMath.pow(x.baseAddress!, p, into: $0.baseAddress!, count: xs.count) } }
            for (x, y) in zip(xs, out) {
                let ref = Foundation.pow(Double(x), Double(p))
                if ref.isInfinite { #expect(y.isInfinite); continue }
                if x == 0 { #expect(y == 0); continue }
                // exp(p·ln x) in float: the rounding of the argument p·ln x bounds the accuracy.
                let bound = (2e-7 + 1.2e-7 * abs(Double(p) * Foundation.log(Double(x)))) * ref
                #expect(abs(Double(y) - ref) <= bound, "\(x)^\(p) = \(y), libm \(ref)")
            }
        }
    }

    @Test func logMatchesLibm() {
        let xs = Self.sweep()
        var out = [Float](repeating: -1, count: xs.count)
        xs.withUnsafeBufferPointer { x in out.withUnsafeMutableBufferPointer { FastMath.logPlus(x.baseAddress!, 0, into: $0.baseAddress!, count: xs.count) } }
        for (x, y) in zip(xs, out) {
            let ref = Foundation.log(Double(x))
            if ref.isInfinite { #expect(y == Float(ref)); continue }
            #expect(abs(Double(y) - ref) <= 2e-7 * max(1, abs(ref)), "ln \(x) = \(y), libm \(ref)")
        }
        var nan: Float = .nan, r: Float = 0
        FastMath.logPlus(&nan, 0, into: &r, count: 1)
        #expect(r.isNaN)
    }

    @Test func silenceGivesExactFloors() throws {
        let zeros = [Float](repeating: 0, count: 3_200)
        let compressed = try FeatureExtractor(FeatureConfiguration(kind: .compressed)).extract(zeros)
        #expect(compressed.values.allSatisfy { $0 == 0 })
        let logmel = try FeatureExtractor(FeatureConfiguration(kind: .logmel)).extract(zeros)
        #expect(logmel.values.allSatisfy { $0 == logf(1e-6) })
    }
}
