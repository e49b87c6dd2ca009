/// The element types a safetensors file may hold that this loader reads. All are little-endian
/// on disk and are converted to `Float` on load.
public enum SafeTensorsDType: String, Sendable, CaseIterable {
    case f32 = "F32"
    case f16 = "F16"
    case bf16 = "BF16"

    /// Bytes per element.
    public var byteSize: Int {
        switch self {
        case .f32: return 4
        case .f16, .bf16: return 2
        }
    }

    /// Converts `count` little-endian elements starting at `source` into `destination`.
    /// `source` need not be aligned.
    func decode(_ source: UnsafeRawBufferPointer, into destination: UnsafeMutableBufferPointer<Float>) {
        let count = destination.count
        switch self {
        case .f32 where UInt32(1).littleEndian == 1:
            UnsafeMutableRawBufferPointer(destination).copyMemory(from: UnsafeRawBufferPointer(rebasing: source[0 ..< 4 * count]))
        case .f32:
            for i in 0 ..< count {
                destination[i] = Float(bitPattern: UInt32(littleEndian: source.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self)))
            }
        case .f16:
            for i in 0 ..< count {
                destination[i] = Self.halfToFloat(UInt16(littleEndian: source.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self)))
            }
        case .bf16:
            for i in 0 ..< count {
                let bits = UInt16(littleEndian: source.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))
                destination[i] = Float(bitPattern: UInt32(bits) << 16)
            }
        }
    }

    /// Appends `values` encoded as this dtype (little-endian). F16 and BF16 round to nearest even.
    func encode(_ values: [Float], into bytes: inout [UInt8]) {
        bytes.reserveCapacity(bytes.count + values.count * byteSize)
        for value in values {
            switch self {
            case .f32:
                withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes.append(contentsOf: $0) }
            case .f16:
                withUnsafeBytes(of: Self.floatToHalf(value).littleEndian) { bytes.append(contentsOf: $0) }
            case .bf16:
                withUnsafeBytes(of: Self.floatToBFloat(value).littleEndian) { bytes.append(contentsOf: $0) }
            }
        }
    }

    /// IEEE 754 binary16 to binary32, exact (including subnormals, infinities and NaN).
    static func halfToFloat(_ h: UInt16) -> Float {
        let sign = UInt32(h & 0x8000) << 16
        let exponent = Int(h >> 10) & 0x1F
        let mantissa = UInt32(h & 0x3FF)
        if exponent == 0x1F { return Float(bitPattern: sign | 0x7F80_0000 | mantissa << 13) }
        if exponent == 0 {
            let magnitude = Float(mantissa) * 0x1p-24
            return sign == 0 ? magnitude : -magnitude
        }
        return Float(bitPattern: sign | UInt32(exponent + 112) << 23 | mantissa << 13)
    }

    /// binary32 to binary16 with round-to-nearest-even; overflow gives ±infinity.
    static func floatToHalf(_ f: Float) -> UInt16 {
        let bits = f.bitPattern
        let sign = UInt16((bits >> 16) & 0x8000)
        if f.isNaN { return sign | 0x7E00 }
        let magnitude = abs(f)
        if magnitude >= 65520 { return sign | 0x7C00 }
        if magnitude < 0x1p-14 {
            let scaled = (magnitude * 0x1p24).rounded(.toNearestOrEven)
            return sign | UInt16(scaled)
        }
        let exponent = Int((bits >> 23) & 0xFF) - 127 + 15
        var mantissa = bits & 0x7F_FFFF
        var half = UInt32(exponent) << 10 | mantissa >> 13
        mantissa &= 0x1FFF
        if mantissa > 0x1000 || (mantissa == 0x1000 && half & 1 == 1) { half += 1 }
        return sign | UInt16(half)
    }

    /// binary32 to bfloat16 with round-to-nearest-even.
    static func floatToBFloat(_ f: Float) -> UInt16 {
        let bits = f.bitPattern
        if f.isNaN { return UInt16(bits >> 16) | 0x0040 }
        let rounding = 0x7FFF + ((bits >> 16) & 1)
        return UInt16((bits &+ rounding) >> 16)
    }
}
