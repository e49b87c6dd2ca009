import CPNG
import Foundation

/// A PNG failure, with libpng's own message. One line, naming what was being written or read.
public enum PNGError: Error, Equatable, CustomStringConvertible {
    /// Encoding `name` failed (libpng's message).
    case encodeFailed(String, message: String)
    /// `name` is not a PNG libpng can read (libpng's message).
    case decodeFailed(String, message: String)

    public var description: String {
        switch self {
        case .encodeFailed(let name, let message): return "\(name): cannot encode PNG: \(message)"
        case .decodeFailed(let name, let message): return "\(name): cannot decode PNG: \(message)"
        }
    }
}

extension PNGError: LocalizedError {
    public var errorDescription: String? { description }
}

/// PNG encoding and decoding of 8-bit RGB rasters with libpng's simplified API
/// (`png_image_write_to_memory`, `png_image_begin_read_from_memory`): no setjmp, errors come
/// back as `png_image.message`.
public enum PNG {
    /// Encodes `canvas` (8-bit RGB) as PNG bytes. `name` only labels errors.
    public static func encode(_ canvas: Canvas, name: String = "figure") throws(PNGError) -> Data {
        guard canvas.width > 0, canvas.height > 0 else { throw .encodeFailed(name, message: "empty image \(canvas.width)x\(canvas.height)") }
        var image = png_image()
        image.version = UInt32(PNG_IMAGE_VERSION)
        image.width = UInt32(canvas.width)
        image.height = UInt32(canvas.height)
        image.format = UInt32(PNG_FORMAT_RGB)
        let stride = Int32(canvas.width * 3)
        var size = 0
        // First call sizes the output, the second writes it.
        let sized = canvas.pixels.withUnsafeBytes { px in
            png_image_write_to_memory(&image, nil, &size, 0, px.baseAddress, stride, nil)
        }
        guard sized != 0, size > 0 else { throw .encodeFailed(name, message: message(&image)) }
        var out = Data(count: size)
        let ok = out.withUnsafeMutableBytes { dst in
            canvas.pixels.withUnsafeBytes { px in
                png_image_write_to_memory(&image, dst.baseAddress, &size, 0, px.baseAddress, stride, nil)
            }
        }
        guard ok != 0 else { throw .encodeFailed(name, message: message(&image)) }
        return out.prefix(size)
    }

    /// Decodes PNG bytes to an 8-bit RGB canvas (any PNG colour type is converted; alpha is
    /// composited on black). `name` only labels errors.
    public static func decode(_ data: Data, name: String = "PNG data") throws(PNGError) -> Canvas {
        var image = png_image()
        image.version = UInt32(PNG_IMAGE_VERSION)
        let begun = data.withUnsafeBytes { png_image_begin_read_from_memory(&image, $0.baseAddress, $0.count) }
        guard begun != 0 else { throw .decodeFailed(name, message: message(&image)) }
        image.format = UInt32(PNG_FORMAT_RGB)
        let width = Int(image.width), height = Int(image.height)
        guard width > 0, height > 0, width * height <= 1 << 28 else {
            png_image_free(&image)
            throw .decodeFailed(name, message: "implausible size \(width)x\(height)")
        }
        var canvas = Canvas(width: width, height: height)
        let ok = canvas.pixels.withUnsafeMutableBytes {
            png_image_finish_read(&image, nil, $0.baseAddress, Int32(width * 3), nil)
        }
        guard ok != 0 else { throw .decodeFailed(name, message: message(&image)) }
        return canvas
    }

    private static func message(_ image: inout png_image) -> String {
        let text = withUnsafeBytes(of: &image.message) { raw in
            String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
        }
        png_image_free(&image)
        return text.isEmpty ? "unknown libpng error" : text
    }
}
