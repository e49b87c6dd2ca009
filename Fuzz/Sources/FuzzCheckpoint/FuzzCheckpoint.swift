import Attend
import Foundation

// Input: a little-endian UInt16 n, then n bytes of JSON config, then a safetensors file.
// The weights go through SafeTensorsFile (header, dtypes, offsets, every tensor decoded), then
// with the config through Checkpoint and AttendModel (ModelConfig decoding and validation,
// WeightReader's presence and shape checks). Each step must succeed consistently or throw a
// CheckpointError whose description is one line.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCheckpoint(_ bytes: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data = bytes else { return 0 }
    guard size >= 2 else { return 0 }
    let declared = Int(data[0]) | Int(data[1]) << 8
    let configCount = min(declared, size - 2)
    let config = Data(bytes: data + 2, count: configCount)
    let weights = Data(bytes: data + 2 + configCount, count: size - 2 - configCount)
    do {
        let file = try SafeTensorsFile(data: weights, file: "fuzz.safetensors")
        for name in file.names {
            let info = try file.info(name)
            let values = try file.floats(name)
            precondition(values.count == info.shape.reduce(1, *), "\(name): decoded count differs from its shape")
        }
        let checkpoint = try Checkpoint(weights: file, configData: config, configFile: "fuzz.json")
        let model = try AttendModel(checkpoint: checkpoint)
        precondition(model.config.dModel > 0 && model.alphas.count == model.config.nLayers)
    } catch {
        precondition(!error.description.isEmpty && !error.description.contains("\n"), "error text must be one line: \(error)")
    }
    return 0
}
