/// An 8-bit RGB colour.
public struct RGB: Sendable, Equatable, Hashable {
    public var r: UInt8
    public var g: UInt8
    public var b: UInt8

    public init(_ r: UInt8, _ g: UInt8, _ b: UInt8) {
        self.r = r
        self.g = g
        self.b = b
    }

    /// From a 0xRRGGBB literal.
    public init(hex: UInt32) {
        self.init(UInt8((hex >> 16) & 0xFF), UInt8((hex >> 8) & 0xFF), UInt8(hex & 0xFF))
    }

    public static let white = RGB(255, 255, 255)
    public static let black = RGB(0, 0, 0)
    public static let gray = RGB(110, 110, 110)
    public static let lightGray = RGB(200, 200, 200)
    /// Overlay colours that stand out on viridis.
    public static let red = RGB(hex: 0xE8_3A_2F)
    public static let orange = RGB(hex: 0xFF_8C_1A)
    public static let cyan = RGB(hex: 0x3F_D8_FF)
}

/// An RGB raster: `width × height` pixels, row-major from the top-left, 3 bytes per pixel.
/// Drawing clips silently at the edges. A value type: copies are independent.
public struct Canvas: Sendable, Equatable {
    public let width: Int
    public let height: Int
    /// `width · height · 3` bytes, R G B per pixel, rows top to bottom.
    public var pixels: [UInt8]

    /// A canvas filled with `background`.
    public init(width: Int, height: Int, background: RGB = .white) {
        precondition(width >= 0 && height >= 0, "Canvas: negative size")
        self.width = width
        self.height = height
        var p = [UInt8](repeating: 0, count: width * height * 3)
        if background != .black {
            for i in stride(from: 0, to: p.count, by: 3) { p[i] = background.r; p[i + 1] = background.g; p[i + 2] = background.b }
        }
        pixels = p
    }

    /// The colour at (x, y); (0, 0) is the top-left pixel.
    public subscript(x: Int, y: Int) -> RGB {
        get {
            let i = (y * width + x) * 3
            return RGB(pixels[i], pixels[i + 1], pixels[i + 2])
        }
        set { set(x, y, newValue) }
    }

    /// Sets one pixel; ignored outside the canvas.
    @inlinable
    public mutating func set(_ x: Int, _ y: Int, _ c: RGB) {
        guard x >= 0, y >= 0, x < width, y < height else { return }
        let i = (y * width + x) * 3
        pixels[i] = c.r
        pixels[i + 1] = c.g
        pixels[i + 2] = c.b
    }

    /// Fills the rectangle with top-left (x, y), clipped to the canvas.
    public mutating func fill(x: Int, y: Int, width w: Int, height h: Int, _ c: RGB) {
        let x0 = max(0, x), y0 = max(0, y), x1 = min(width, x + w), y1 = min(height, y + h)
        guard x0 < x1, y0 < y1 else { return }
        for yy in y0..<y1 {
            var i = (yy * width + x0) * 3
            for _ in x0..<x1 {
                pixels[i] = c.r; pixels[i + 1] = c.g; pixels[i + 2] = c.b
                i += 3
            }
        }
    }

    /// A one-pixel rectangle outline.
    public mutating func stroke(x: Int, y: Int, width w: Int, height h: Int, _ c: RGB) {
        fill(x: x, y: y, width: w, height: 1, c)
        fill(x: x, y: y + h - 1, width: w, height: 1, c)
        fill(x: x, y: y, width: 1, height: h, c)
        fill(x: x + w - 1, y: y, width: 1, height: h, c)
    }

    /// A straight line (Bresenham) of `thickness` pixels.
    public mutating func line(from p0: (x: Int, y: Int), to p1: (x: Int, y: Int), _ c: RGB, thickness: Int = 1) {
        var x0 = p0.x, y0 = p0.y
        let dx = abs(p1.x - x0), dy = -abs(p1.y - y0)
        let sx = x0 < p1.x ? 1 : -1, sy = y0 < p1.y ? 1 : -1
        var err = dx + dy
        let lo = -(thickness - 1) / 2, hi = thickness / 2
        while true {
            for oy in lo...hi { for ox in lo...hi { set(x0 + ox, y0 + oy, c) } }
            if x0 == p1.x && y0 == p1.y { break }
            let e2 = 2 * err
            if e2 >= dy { err += dy; x0 += sx }
            if e2 <= dx { err += dx; y0 += sy }
        }
    }

    /// Copies `other` with its top-left at (x, y), clipped.
    public mutating func draw(_ other: Canvas, x: Int, y: Int) {
        let x0 = max(0, x), x1 = min(width, x + other.width)
        guard x0 < x1 else { return }
        for sy in 0..<other.height {
            let dy = y + sy
            guard dy >= 0, dy < height else { continue }
            let src = (sy * other.width + (x0 - x)) * 3, dst = (dy * width + x0) * 3, n = (x1 - x0) * 3
            pixels.replaceSubrange(dst..<(dst + n), with: other.pixels[src..<(src + n)])
        }
    }

    /// Canvases one below the other, left-aligned, on `background`.
    public static func stacked(_ parts: [Canvas], spacing: Int = 0, background: RGB = .white) -> Canvas {
        let w = parts.map(\.width).max() ?? 0
        let h = parts.map(\.height).reduce(0, +) + spacing * max(0, parts.count - 1)
        var out = Canvas(width: w, height: h, background: background)
        var y = 0
        for p in parts {
            out.draw(p, x: 0, y: y)
            y += p.height + spacing
        }
        return out
    }
}
