// The `Attend` library is the public face of the package: it re-exports every stage so
// that other Swift code (and the `attend` CLI) needs a single `import Attend`.
@_exported import AudioIO
@_exported import Spectral
@_exported import NeuralEngine
@_exported import SpeechModels
@_exported import Alignment
