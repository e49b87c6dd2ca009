import Foundation

/// Everything that can be wrong with a weights file or its config.
///
/// Every case names the file (the path as given) and, where one is at fault, the tensor or the
/// config key; `description` is one line.
public enum CheckpointError: Error, Equatable, Sendable, CustomStringConvertible, LocalizedError {
    /// The file could not be read at all.
    case unreadable(file: String, reason: String)
    /// The file is shorter than the 8-byte header length.
    case tooShort(file: String, size: Int)
    /// The header length is zero, larger than the file, or larger than `SafeTensorsFile.maxHeaderBytes`.
    case badHeaderLength(file: String, length: UInt64, fileSize: Int)
    /// The header (or config) is not valid JSON.
    case notJSON(file: String, reason: String)
    /// The header is valid JSON but not an object of tensors.
    case headerNotObject(file: String, found: String)
    /// `__metadata__` is not an object of strings.
    case badMetadata(file: String, reason: String)
    /// A tensor entry is malformed (missing field, bad shape, bad offsets).
    case badEntry(file: String, tensor: String, reason: String)
    /// A tensor's dtype is not F32, F16 or BF16.
    case unsupportedDType(file: String, tensor: String, dtype: String)
    /// A tensor's byte range lies outside the data region.
    case offsetsOutOfRange(file: String, tensor: String, begin: Int, end: Int, dataSize: Int)
    /// A tensor's byte length does not match its shape and dtype.
    case sizeMismatch(file: String, tensor: String, shape: [Int], dtype: String, expectedBytes: Int, foundBytes: Int)
    /// Two tensors share bytes.
    case overlap(file: String, tensor: String, other: String)
    /// Bytes of the data region belong to no tensor.
    case uncoveredBytes(file: String, begin: Int, end: Int)
    /// Two tensors have the same name.
    case duplicateTensor(file: String, tensor: String)
    /// A tensor the caller needs is not in the file.
    case missingTensor(file: String, tensor: String)
    /// A tensor has another shape than the caller needs.
    case wrongShape(file: String, tensor: String, expected: [Int], found: [Int])
    /// Tensors the model built from the config does not read (sorted names).
    case unusedTensors(file: String, tensors: [String])
    /// The config does not decode: `key` is the dotted coding path (empty for the root).
    case badConfig(file: String, key: String, reason: String)
    /// A writer was given inconsistent input (shape and value count disagree, duplicate name).
    case invalidTensor(tensor: String, reason: String)

    /// One line whatever the quoted names and values hold: line breaks and other control
    /// characters of a file's text (a tensor name, a config value) are shown escaped.
    public var description: String {
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if scalar.properties.generalCategory == .control || scalar == "\u{2028}" || scalar == "\u{2029}" {
                out.append(contentsOf: scalar.escaped(asASCII: true).unicodeScalars)
            } else {
                out.append(scalar)
            }
        }
        return String(out)
    }

    private var text: String {
        switch self {
        case let .unreadable(file, reason):
            return "\(file): cannot read: \(reason)"
        case let .tooShort(file, size):
            return "\(file): \(size) bytes, too short for a safetensors file (needs at least 8)"
        case let .badHeaderLength(file, length, fileSize):
            return "\(file): header length \(length) is impossible for a file of \(fileSize) bytes"
        case let .notJSON(file, reason):
            return "\(file): not valid JSON: \(reason)"
        case let .headerNotObject(file, found):
            return "\(file): header is \(found), expected a JSON object of tensors"
        case let .badMetadata(file, reason):
            return "\(file): __metadata__ \(reason)"
        case let .badEntry(file, tensor, reason):
            return "\(file): tensor '\(tensor)': \(reason)"
        case let .unsupportedDType(file, tensor, dtype):
            return "\(file): tensor '\(tensor)': unsupported dtype '\(dtype)' (supported: F32, F16, BF16)"
        case let .offsetsOutOfRange(file, tensor, begin, end, dataSize):
            return "\(file): tensor '\(tensor)': data_offsets [\(begin), \(end)] outside the data region of \(dataSize) bytes"
        case let .sizeMismatch(file, tensor, shape, dtype, expectedBytes, foundBytes):
            return "\(file): tensor '\(tensor)': shape \(shape) of \(dtype) needs \(expectedBytes) bytes, data_offsets give \(foundBytes)"
        case let .overlap(file, tensor, other):
            return "\(file): tensor '\(tensor)' overlaps tensor '\(other)'"
        case let .uncoveredBytes(file, begin, end):
            return "\(file): data bytes \(begin)..<\(end) belong to no tensor"
        case let .duplicateTensor(file, tensor):
            return "\(file): tensor '\(tensor)' appears twice in the header"
        case let .missingTensor(file, tensor):
            return "\(file): tensor '\(tensor)' is missing"
        case let .wrongShape(file, tensor, expected, found):
            return "\(file): tensor '\(tensor)': expected shape \(expected), found \(found)"
        case let .unusedTensors(file, tensors):
            let shown = tensors.prefix(3).map { "'\($0)'" }.joined(separator: ", ") + (tensors.count > 3 ? ", …" : "")
            return "\(file): \(tensors.count) tensor\(tensors.count == 1 ? "" : "s") this model's config does not use (\(shown)):"
                + " a model for a newer attend, or weights of another config"
        case let .badConfig(file, key, reason):
            return key.isEmpty ? "\(file): \(reason)" : "\(file): key '\(key)': \(reason)"
        case let .invalidTensor(tensor, reason):
            return "tensor '\(tensor)': \(reason)"
        }
    }

    public var errorDescription: String? { description }
}
