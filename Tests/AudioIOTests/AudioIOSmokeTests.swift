import Testing
@testable import AudioIO

@Test func AudioIOModuleLoads() {
    #expect(Bool(true))
}
