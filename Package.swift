// swift-tools-version:6.1
//
// MCPStreams: a stateless, signed, MCP-style tool-calling service on Redis.
// Layout and dependency direction: docs/layout.md and docs/DESIGN.md §8.
// executables → libraries → MCPBroker → RedisClient → CHiredis; MCPWire → CHiredis.

import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

/// Release executables on Linux link with lld, pack their relative relocations (DT_RELR) and export
/// no symbols: the dynamic loader then reads 3.3 MB of relocations and 1.5 MB of symbol table less per
/// process, 8–11 MiB less resident for a gateway and two workers (docs/performance.md, "Memory").
/// Debug builds (the tests) link as SwiftPM does by default.
let releaseLinkerSettings: [LinkerSetting] = [
    .unsafeFlags(
        ["-use-ld=lld", "-Xlinker", "--no-export-dynamic", "-Xlinker", "-z", "-Xlinker", "pack-relative-relocs"],
        .when(platforms: [.linux], configuration: .release)),
]

let logging = Target.Dependency.product(name: "Logging", package: "swift-log")
let lifecycle = Target.Dependency.product(name: "ServiceLifecycle", package: "swift-service-lifecycle")
let argumentParser = Target.Dependency.product(name: "ArgumentParser", package: "swift-argument-parser")
let httpClient = Target.Dependency.product(name: "AsyncHTTPClient", package: "async-http-client")
let nioCore = Target.Dependency.product(name: "NIOCore", package: "swift-nio")
let nioHTTP1 = Target.Dependency.product(name: "NIOHTTP1", package: "swift-nio")
let metrics = Target.Dependency.product(name: "Metrics", package: "swift-metrics")
let prometheus = Target.Dependency.product(name: "Prometheus", package: "swift-prometheus")
let hummingbird = Target.Dependency.product(name: "Hummingbird", package: "hummingbird")
let jwtKit = Target.Dependency.product(name: "JWTKit", package: "jwt-kit")

let package = Package(
    name: "MCPStreams",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "mcp-gateway", targets: ["mcp-gateway"]),
        .executable(name: "mcp-worker", targets: ["mcp-worker"]),
        .executable(name: "mcpctl", targets: ["mcpctl"]),
        .executable(name: "mcp-bench", targets: ["mcp-bench"]),
        .library(name: "MCPWire", targets: ["MCPWire"]),
        .library(name: "RedisClient", targets: ["RedisClient"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "5.0.1"),
        .package(url: "https://github.com/apple/swift-http-structured-headers", from: "1.7.0"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", from: "0.2.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/swiftlang/swift-subprocess", from: "1.0.2"),
        .package(url: "https://github.com/vapor/jwt-kit", from: "5.8.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
    ],
    targets: [
        // The only C: hiredis and OpenSSL libcrypto shims. `make deps` finds both
        // with pkg-config; the target does not pass `pkgConfig:` because SwiftPM
        // would warn on every build about hiredis.pc's -D_FILE_OFFSET_BITS=64
        // (harmless on 64-bit). Headers live in /usr/include on Debian.
        .systemLibrary(
            name: "CHiredis",
            providers: [.apt(["libhiredis-dev", "libssl-dev"])]
        ),
        .target(name: "RedisClient", dependencies: ["CHiredis", logging, nioCore, .product(name: "NIOPosix", package: "swift-nio")], swiftSettings: swiftSettings),
        .target(name: "MCPWire", dependencies: ["CHiredis"], swiftSettings: swiftSettings),
        .target(
            name: "MCPHTTPSignatures",
            dependencies: ["MCPWire", .product(name: "RawStructuredFieldValues", package: "swift-http-structured-headers")],
            swiftSettings: swiftSettings
        ),
        .target(name: "MCPTools", dependencies: ["MCPWire", logging], swiftSettings: swiftSettings),
        .target(name: "MCPBroker", dependencies: ["RedisClient", "MCPWire", "MCPTools", logging, lifecycle, nioCore, .product(name: "NIOPosix", package: "swift-nio")], swiftSettings: swiftSettings),
        .target(
            name: "MCPGateway",
            dependencies: ["MCPBroker", "MCPWire", "MCPTools", "MCPHTTPSignatures", logging, lifecycle, metrics, nioCore, nioHTTP1, hummingbird, jwtKit, httpClient],
            swiftSettings: swiftSettings
        ),
        .target(name: "MCPWorker", dependencies: ["MCPBroker", "MCPWire", "MCPTools", logging, lifecycle, metrics], swiftSettings: swiftSettings),
        .target(name: "MCPClient", dependencies: ["MCPWire", "MCPHTTPSignatures", logging, httpClient, nioCore, nioHTTP1], swiftSettings: swiftSettings),
        .target(
            name: "MCPCommandLine",
            dependencies: [
                "MCPBroker", "CHiredis", argumentParser, logging, lifecycle, metrics, prometheus, hummingbird, nioCore,
                .product(name: "NIOPosix", package: "swift-nio"), .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "MCPBench",
            dependencies: [
                "MCPWire", "MCPBroker", "RedisClient", "RedisTestSupport", logging, nioCore, nioHTTP1, httpClient,
                .product(name: "NIOPosix", package: "swift-nio"), .product(name: "Histogram", package: "hdrhistogram-swift"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "RedisTestSupport",
            dependencies: ["RedisClient", logging, .product(name: "Subprocess", package: "swift-subprocess")],
            swiftSettings: swiftSettings),
        // Fuzz entry functions (docs/fuzzing.md): libFuzzer runs them through mcp-fuzz, FuzzRegressionTests replays Fuzz/.
        .target(
            name: "MCPFuzzTargets",
            dependencies: [
                "MCPWire", "MCPHTTPSignatures", "MCPTools", "MCPBroker", "MCPGateway", "MCPWorker", "RedisClient", logging,
                .product(name: "RawStructuredFieldValues", package: "swift-http-structured-headers"),
            ],
            swiftSettings: swiftSettings
        ),

        .executableTarget(
            name: "mcp-gateway", dependencies: ["MCPGateway", "MCPCommandLine", "MCPWire", argumentParser, lifecycle, logging],
            swiftSettings: swiftSettings, linkerSettings: releaseLinkerSettings),
        .executableTarget(
            name: "mcp-worker", dependencies: ["MCPWorker", "MCPCommandLine", argumentParser, lifecycle, logging],
            swiftSettings: swiftSettings, linkerSettings: releaseLinkerSettings),
        .executableTarget(
            name: "mcp-bench", dependencies: ["MCPBench", "MCPCommandLine", argumentParser, logging],
            swiftSettings: swiftSettings, linkerSettings: releaseLinkerSettings),
        .executableTarget(name: "mcp-fuzz", dependencies: ["MCPFuzzTargets"], swiftSettings: swiftSettings),
        .executableTarget(
            name: "mcpctl", dependencies: ["MCPClient", "MCPCommandLine", "MCPBroker", "RedisClient", "MCPWire", argumentParser, logging],
            swiftSettings: swiftSettings, linkerSettings: releaseLinkerSettings),

        .testTarget(name: "MCPWireTests", dependencies: ["MCPWire"], resources: [.copy("Fixtures")], swiftSettings: swiftSettings),
        .testTarget(name: "FuzzRegressionTests", dependencies: ["MCPFuzzTargets"], swiftSettings: swiftSettings),
        .testTarget(name: "MCPBenchTests", dependencies: ["MCPBench"], swiftSettings: swiftSettings),
        .testTarget(
            name: "RedisClientTests",
            dependencies: ["RedisClient", "RedisTestSupport", nioCore, .product(name: "NIOPosix", package: "swift-nio")],
            swiftSettings: swiftSettings),
        .testTarget(name: "MCPToolsTests", dependencies: ["MCPTools", "MCPWire"], swiftSettings: swiftSettings),
        .testTarget(
            name: "MCPGatewayTests",
            dependencies: [
                "MCPGateway", "MCPBroker", "MCPWire", "MCPClient", "RedisClient", "RedisTestSupport", logging, hummingbird,
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "MCPWorkerTests",
            dependencies: ["MCPWorker", "MCPBroker", "MCPTools", "MCPWire", "RedisClient", "RedisTestSupport", logging],
            swiftSettings: swiftSettings),
        .testTarget(name: "MCPHTTPSignaturesTests", dependencies: ["MCPHTTPSignatures", "MCPWire"], swiftSettings: swiftSettings),
        .testTarget(name: "MCPClientTests", dependencies: ["MCPClient", "MCPHTTPSignatures", "MCPWire"], swiftSettings: swiftSettings),
        .testTarget(name: "MCPCommandLineTests", dependencies: ["MCPCommandLine"], swiftSettings: swiftSettings),
        .testTarget(name: "MCPBrokerTests", dependencies: ["MCPBroker", "MCPTools", "MCPWire", "RedisTestSupport"], swiftSettings: swiftSettings),
        .testTarget(
            name: "EndToEndTests",
            dependencies: [
                "MCPClient", "MCPWire", "MCPBroker", "RedisClient", "RedisTestSupport", httpClient, nioCore,
                .product(name: "Crypto", package: "swift-crypto"), .product(name: "CryptoExtras", package: "swift-crypto"),
            ],
            exclude: ["Fixtures"],  // read by the Python clients from the source tree
            swiftSettings: swiftSettings
        ),
        // Parses deploy/ and runs the real executables as the least-privilege Redis users of deploy/redis/users.acl.
        .testTarget(
            name: "DeployTests",
            dependencies: ["MCPBroker", "MCPClient", "MCPWire", "RedisClient", "RedisTestSupport", .product(name: "Yams", package: "Yams")],
            swiftSettings: swiftSettings
        ),
    ]
)
