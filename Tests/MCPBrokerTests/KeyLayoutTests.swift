import MCPBroker
import Testing

/// ``BrokerKeys/isDocumented(_:)``: every name the processes write passes, junk under the prefix does not.
@Suite("Documented key layout")
struct KeyLayoutTests {
    let keys = BrokerKeys(prefix: "mcp", partitioning: Partitioning(count: 12) ?? .single)

    @Test func everyNameTheProcessesWriteIsDocumented() {
        var written = [keys.config, keys.tools, keys.workerIndex, keys.worker("w1"), keys.replies(gateway: "gw-1"), keys.ingress, keys.ingressRejected]
        if let results = ResultsStream("app") { written.append(keys.results(results)) }
        if let producer = IngressProducer("billing") { written.append(keys.ingress(producer: producer)) }
        for p in keys.partitioning.all {
            written += [
                keys.stream(p), keys.dead(p), keys.delayed(p), keys.job(keys.partitioning.makeJobID(in: p), in: p),
                keys.nonce(client: "c1", nonce: "n", in: p), keys.request(client: "c1", requestID: "r", in: p),
            ]
        }
        for key in written { #expect(keys.isDocumented(key), "\(key)") }
        #expect(keys.isDocumented("other:{9999}:stream"))  // another prefix: not this deployment's
    }

    @Test(arguments: [
        "mcp:{140364363417440}:stream", "mcp:{12}:stream", "mcp:{-1}:stream", "mcp:{01}:stream", "mcp:{}:stream", "mcp:{3:stream",
        "mcp:{3}:streams", "mcp:{3}:job:", "mcp:{3}:bell", "mcp:{3}", "mcp:junk", "mcp:workers:", "mcp:results:", "mcp:",
    ])
    func junkUnderThePrefixIsNot(key: String) {
        #expect(!keys.isDocumented(key))
    }
}
