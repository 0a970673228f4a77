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

    @Test func resultsStreamNamesFollowTheProducerRuleAndStayWithTheirProducer() throws {
        #expect(ResultsStream("rejected") != nil)  // only the ingress side reserves it
        for bad in ["", "a:b", "new\nline", String(repeating: "x", count: 65)] { #expect(ResultsStream(bad) == nil, "\(bad)") }
        let billing = try #require(IngressProducer("billing"))
        #expect(try #require(ResultsStream("billing-7")).isAllowed(from: billing))
        #expect(try #require(ResultsStream("billing")).isAllowed(from: billing))
        #expect(!(try #require(ResultsStream("billingx")).isAllowed(from: billing)))
        #expect(try #require(ResultsStream("anything")).isAllowed(from: nil))
        // The shared stream may not name a producer's own results.
        #expect(!(try #require(ResultsStream("billing")).isAllowed(from: nil, producers: [billing])))
        #expect(!(try #require(ResultsStream("billing-7")).isAllowed(from: nil, producers: [billing])))
        #expect(try #require(ResultsStream("billingx")).isAllowed(from: nil, producers: [billing]))
        // Of two producers whose names share a prefix, the longer owns what both could claim.
        let billingEU = try #require(IngressProducer("billing-eu"))
        for name in ["billing-eu", "billing-eu-1"] {
            #expect(!(try #require(ResultsStream(name)).isAllowed(from: billing, producers: [billing, billingEU])), "\(name)")
            #expect(try #require(ResultsStream(name)).isAllowed(from: billingEU, producers: [billing, billingEU]), "\(name)")
        }
        #expect(try #require(ResultsStream("billing-us")).isAllowed(from: billing, producers: [billing, billingEU]))
        #expect(ResultsStream(watcher: "@app")?.name == "app" && ResultsStream(watcher: "gw-1") == nil)
    }
}
