import Testing
@Test func placeholderMCPBrokerTests() { #expect(Bool(true)) }
