import Foundation

/// One axis of a figure: a label and the data range it spans, with ticks chosen automatically
/// (steps of 1, 2 or 5 × 10ᵏ) or given explicitly (categorical axes such as phone names).
public struct Axis: Sendable {
    /// Text under (x) or beside (y) the axis, e.g. "time (s)".
    public var label: String
    /// Data value at the first pixel edge (left for x, bottom for y).
    public var start: Double
    /// Data value at the last pixel edge (right for x, top for y).
    public var end: Double
    /// Explicit ticks (value, text); nil = automatic numeric ticks.
    public var ticks: [(value: Double, text: String)]?

    public init(label: String, start: Double, end: Double, ticks: [(value: Double, text: String)]? = nil) {
        self.label = label
        self.start = start
        self.end = end
        self.ticks = ticks
    }

    /// Ticks for an axis `pixels` long: about one per `spacing` pixels.
    public func resolvedTicks(pixels: Int, spacing: Int = 70) -> [(value: Double, text: String)] {
        if let ticks { return ticks }
        return Axis.niceTicks(from: start, to: end, count: max(2, pixels / spacing))
    }

    /// Round-numbered ticks within [from, to], about `count` of them.
    public static func niceTicks(from: Double, to: Double, count: Int) -> [(value: Double, text: String)] {
        let lo = min(from, to), hi = max(from, to), span = hi - lo
        guard span > 0, span.isFinite else { return [(lo, format(lo, step: 1))] }
        let raw = span / Double(max(1, count))
        let magnitude = pow(10, floor(log10(raw)))
        let step = [1.0, 2, 5, 10].map { $0 * magnitude }.min { abs(log($0 / raw)) < abs(log($1 / raw)) }!
        var out: [(Double, String)] = []
        var v = ceil(lo / step - 1e-9) * step
        while v <= hi + step * 1e-9 {
            if abs(v) < step * 1e-6 { v = 0 }
            out.append((v, format(v, step: step)))
            v += step
        }
        return out
    }

    /// `v` with as many decimals as `step` needs.
    public static func format(_ v: Double, step: Double) -> String {
        let decimals = step >= 1 ? 0 : min(6, Int(ceil(-log10(step) - 1e-9)))
        let s = String(format: "%.\(decimals)f", v)
        return s.hasPrefix("-") && s.allSatisfy({ "-0.".contains($0) }) ? String(s.dropFirst()) : s
    }
}
