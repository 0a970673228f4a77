import MCPBroker
import Testing

/// Producer stream names become Redis keys and ACL key patterns: only plain names pass.
@Suite("Ingress producer names")
struct IngressProducerTests {
    @Test(arguments: ["billing", "reports-2", "A_b-9", String(repeating: "p", count: 64)])
    func plainNamesNameAStream(_ name: String) throws {
        let producer = try #require(IngressProducer(name))
        #expect(BrokerKeys(prefix: "mcp").ingress(producer: producer) == "mcp:ingress:\(name)")
    }

    @Test(arguments: ["", "rejected", "a:b", "a*", "billing?", "{0}", "a b", "ü", "a\nb", String(repeating: "p", count: 65)])
    func otherNamesAreRefusedWithAReason(_ name: String) {
        #expect(IngressProducer(name) == nil)
        #expect(IngressProducer.problem(name) != nil)
    }
}
