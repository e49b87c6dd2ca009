import Testing
@testable import Attend

@Test func AttendModuleLoads() {
    #expect(Bool(true))
}
