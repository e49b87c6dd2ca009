/// A perceptual colour map: values in [0, 1] → colours, by linear interpolation between the
/// map's published anchor colours (11 evenly spaced samples), tabulated once at 256 levels.
///
/// ```swift
/// let c = ColorMap.viridis.color(0.5)   // ≈ #21918C
/// ```
public struct ColorMap: Sendable {
    public let name: String
    /// 256 colours, index 0 = value 0.
    public let table: [RGB]

    /// A map through `anchors` (evenly spaced from 0 to 1; at least two).
    public init(name: String, anchors: [RGB]) {
        precondition(anchors.count >= 2, "ColorMap: needs two anchors")
        self.name = name
        var t: [RGB] = []
        t.reserveCapacity(256)
        let segments = Double(anchors.count - 1)
        for i in 0..<256 {
            let pos = Double(i) / 255 * segments
            let k = min(Int(pos), anchors.count - 2)
            let f = pos - Double(k)
            let a = anchors[k], b = anchors[k + 1]
            func mix(_ x: UInt8, _ y: UInt8) -> UInt8 { UInt8((Double(x) * (1 - f) + Double(y) * f).rounded()) }
            t.append(RGB(mix(a.r, b.r), mix(a.g, b.g), mix(a.b, b.b)))
        }
        table = t
    }

    /// The colour of `value` in [0, 1] (clamped; NaN → the low end).
    @inlinable
    public func color(_ value: Float) -> RGB {
        guard value > 0 else { return table[0] }
        return table[min(255, Int(value * 255 + 0.5))]
    }

    /// matplotlib's viridis (van der Walt & Smith), anchors = viridis(11).
    public static let viridis = ColorMap(name: "viridis", anchors: [
        0x440154, 0x482475, 0x414487, 0x355F8D, 0x2A788E, 0x21918C, 0x22A884, 0x44BF70, 0x7AD151, 0xBDDF26, 0xFDE725,
    ].map { RGB(hex: $0) })

    /// matplotlib's magma, anchors = magma(11): for attention weights (zeros are black).
    public static let magma = ColorMap(name: "magma", anchors: [
        0x000004, 0x140E36, 0x3B0F70, 0x641A80, 0x8C2981, 0xB73779, 0xDE4968, 0xF7705C, 0xFE9F6D, 0xFECF92, 0xFCFDBF,
    ].map { RGB(hex: $0) })

    /// Black to white.
    public static let gray = ColorMap(name: "gray", anchors: [.black, .white])
}
