import Testing
@testable import Alignment

@Test func AlignmentModuleLoads() {
    #expect(Bool(true))
}
