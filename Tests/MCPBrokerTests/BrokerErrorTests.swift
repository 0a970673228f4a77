import MCPBroker
import RedisClient
import RedisTestSupport
import Testing

/// The public broker API throws ``BrokerError`` only: each Redis client code
/// maps to the broker code of the same name, with the message and cause kept.
@Suite("Broker errors")
struct BrokerErrorTests {
    static let codes: [(RedisError.Code, BrokerError.Code)] = [
        (.connection, .connection), (.timeout, .timeout), (.server, .server), (.authentication, .authentication),
        (.protocol, .protocol), (.closed, .closed), (.configuration, .configuration), (.unexpectedReply, .unexpectedReply),
        (.functionLibrary, .functionLibrary),
    ]

    @Test func everyRedisCodeMapsToTheBrokerCodeOfItsName() {
        for (redisCode, brokerCode) in Self.codes {
            let cause = RedisError(code: redisCode, message: "what went wrong (\(redisCode))")
            let error = BrokerError(cause)
            #expect(error.code == brokerCode, "\(redisCode)")
            #expect(error.code.description == redisCode.description)
            #expect(error.message == cause.message)
            #expect(error.underlying == cause)
            #expect(error.description == cause.description, "logs read as before")
        }
        #expect(Set(Self.codes.map(\.1)).count == Self.codes.count, "no two Redis codes share a broker code")
    }

    @Test func anUnreachableStoreIsAConnectionError() async throws {
        var connection = try BrokerConnection(url: "redis://127.0.0.1:1")
        connection.connectTimeout = .milliseconds(200)
        let broker = Broker(connection: connection)
        let error = await #expect(throws: BrokerError.self) { try await broker.ping() }
        #expect(error?.code == .connection)
        #expect(error?.underlying.code == .connection)
    }

    @Test func aServerErrorReplyIsAServerError() async throws {
        try await withBroker { broker, redis in
            let jobID = JobID.make()
            try await redis.send("SET", broker.keys.job(jobID), "not a hash")
            let error = await #expect(throws: BrokerError.self) { try await broker.job(jobID) }
            #expect(error?.code == .server)
            #expect(error?.message.hasPrefix("WRONGTYPE") == true, "\(String(describing: error))")
        }
    }

    @Test func aClosedReaderIsAClosedError() async throws {
        try await withBroker { broker, _ in
            let reader = broker.makeReader(commandTimeout: .seconds(1))
            reader.close()
            let error = await #expect(throws: BrokerError.self) {
                try await broker.readJobs(using: reader, consumer: "w", count: 1, block: .milliseconds(10))
            }
            #expect(error?.code == .closed)
        }
    }

    @Test func aMalformedURLIsAConfigurationError() throws {
        let error = #expect(throws: BrokerError.self) { try BrokerConnection(url: "http://127.0.0.1:6379") }
        #expect(error?.code == .configuration)
        let parsed = try BrokerConnection(url: "redis://127.0.0.1:6380/2")
        #expect(parsed.redis.endpoint.database == 2)
        #expect(parsed.commandTimeout == .seconds(2) && parsed.connectTimeout == .seconds(1), "the documented defaults")
    }
}
