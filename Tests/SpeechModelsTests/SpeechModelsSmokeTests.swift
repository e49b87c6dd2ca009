import Testing
@testable import SpeechModels

@Test func SpeechModelsModuleLoads() {
    #expect(Bool(true))
}
