// swift-tools-version:6.1
//
// MCPStreams: a stateless, signed, MCP-style tool-calling service on Redis.
// Layout and dependency direction: see README.md ("Layout") and DESIGN §8.
// executables → libraries → MCPBroker → RedisClient → CHiredis; MCPWire → CHiredis.

import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "MCPStreams",
    platforms: [.macOS(.v14)],
    products: [
        .library(name: "MCPWire", targets: ["MCPWire"]),
        .library(name: "RedisClient", targets: ["RedisClient"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
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
        .target(
            name: "RedisClient",
            dependencies: ["CHiredis", .product(name: "Logging", package: "swift-log")],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "MCPWire",
            dependencies: ["CHiredis"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "RedisTestSupport",
            dependencies: ["RedisClient", .product(name: "Logging", package: "swift-log")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "MCPWireTests",
            dependencies: ["MCPWire"],
            resources: [.copy("Fixtures")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "RedisClientTests",
            dependencies: ["RedisClient", "RedisTestSupport"],
            swiftSettings: swiftSettings
        ),
    ]
)
