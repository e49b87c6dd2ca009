import Attend
import Foundation

// Input: any bytes, used twice.
// 1. As a .npy file: NPY.decode must return a tensor whose element count matches its shape,
//    or throw an NPYError with a one-line description.
// 2. As a writer's input: byte 0 picks the column count (1...16), the rest is float32 data
//    (any bit pattern: NaN, Inf, denormals). NPY.encode and NPYStreamWriter (rows appended in
//    uneven pieces, finished by rename) must both read back bit for bit.

private let scratchDirectory: String = {
    let base = FileManager.default.fileExists(atPath: "/dev/shm") ? "/dev/shm" : NSTemporaryDirectory()
    let dir = base + "/attend-fuzz-npy-\(getpid())"
    try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    return dir
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzNPY(_ bytes: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data = bytes else { return 0 }
    let bytes = Data(bytes: data, count: size)
    do {
        let tensor = try NPY.decode(bytes, name: "fuzz.npy")
        precondition(tensor.data.count >= tensor.shape.reduce(1, *))
    } catch let error as NPYError {
        precondition(!error.description.contains("\n"), "error text must be one line")
    } catch {
        preconditionFailure("unexpected error \(error)")
    }

    guard size >= 1 else { return 0 }
    let columns = 1 + Int(data[0] % 16)
    let floats = (size - 1) / 4
    let rows = floats / columns
    var values = [Float](repeating: 0, count: rows * columns)
    for i in values.indices {
        let p = data + 1 + 4 * i
        values[i] = Float(bitPattern: UInt32(p[0]) | UInt32(p[1]) << 8 | UInt32(p[2]) << 16 | UInt32(p[3]) << 24)
    }
    let tensor = Tensor(shape: [rows, columns], data: values)
    do {
        let back = try NPY.decode(NPY.encode(tensor))
        precondition(back.shape == [rows, columns] && sameBits(back.data, values), "NPY.encode round trip differs")

        let path = scratchDirectory + "/out.npy"
        let writer = try NPYStreamWriter(path: path, columns: columns)
        var row = 0
        while row < rows {
            let take = min(rows - row, 1 + row % 3)
            try values.withUnsafeBufferPointer { all in
                try writer.append(UnsafeBufferPointer(rebasing: all[(row * columns)..<((row + take) * columns)]))
            }
            row += take
        }
        try writer.finish()
        let streamed = try NPY.read(path)
        precondition(streamed.shape == [rows, columns] && sameBits(streamed.data, values), "NPYStreamWriter round trip differs")
        unlink(path)
    } catch {
        preconditionFailure("writing valid data failed: \(error)")
    }
    return 0
}

private func sameBits(_ a: [Float], _ b: [Float]) -> Bool {
    a.count >= b.count && zip(a, b).allSatisfy { $0.bitPattern == $1.bitPattern }
}
