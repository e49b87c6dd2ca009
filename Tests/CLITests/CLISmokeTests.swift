import Testing
@testable import Attend

@Test func CLIModuleLoads() {
    #expect(Bool(true))
}
