import Testing
@testable import NeuralEngine

@Test func NeuralEngineModuleLoads() {
    #expect(Bool(true))
}
