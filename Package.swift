// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "switchboard",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "switchboard", targets: ["switchboard"]),
        .executable(name: "event-booking", targets: ["event-booking"]),
        .library(name: "MessagingRuntime", targets: ["MessagingRuntime"]),
        .library(name: "GeneratedSchemas", targets: ["GeneratedSchemas"]),
        .library(name: "SchemaCompiler", targets: ["SchemaCompiler", "SchemaValidation", "SchemaCodeGen", "SchemaExport"]),
        .library(name: "Redis", targets: ["Redis", "Resilience"]),
        .library(name: "ServiceHost", targets: ["ServiceHost"]),
        .library(name: "Gateway", targets: ["Gateway"]),
        // For users' integration tests: NATSServer and RedisServer start real servers on free ports.
        .library(name: "SwitchboardTestSupport", targets: ["TestSupport"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.1"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.3"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        // No default traits: they pull swift-configuration and cause random full rebuilds.
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1", traits: []),
        .package(url: "https://github.com/vapor/jwt-kit.git", from: "5.8.0"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
    ],
    targets: [
        // MARK: Compiler side
        .systemLibrary(name: "CYAML", pkgConfig: "yaml-0.1", providers: [.apt(["libyaml-dev"])]),
        .target(name: "SchemaDiagnostics"),
        .target(name: "SchemaSyntax", dependencies: ["CYAML", "SchemaDiagnostics"]),
        .target(name: "SchemaIR", dependencies: ["SchemaDiagnostics"]),
        // The compiler checks defaults and examples with the same rules the validators use.
        .target(
            name: "SchemaCompiler",
            dependencies: ["SchemaSyntax", "SchemaIR", "SchemaDiagnostics", "SchemaValidation", "MessagingRuntime"]
        ),
        .target(name: "SchemaCodeGen", dependencies: ["SchemaIR", .product(name: "Mustache", package: "swift-mustache")]),
        .target(name: "SchemaExport", dependencies: ["SchemaIR", "SchemaValidation", "MessagingRuntime"]),
        // The IR interpreter behind `switchboard validate`. It shares the runtime's rule checks
        // (MessagingRuntime) so that it and the generated validators agree by construction.
        .target(name: "SchemaValidation", dependencies: ["SchemaIR", "MessagingRuntime"]),
        .executableTarget(
            name: "switchboard",
            dependencies: [
                "SchemaCompiler", "SchemaCodeGen", "SchemaExport", "SchemaValidation", "NATSClient",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),

        // MARK: Runtime side
        .target(name: "MessagingRuntime"),
        // The NATS wire protocol: a pure, incremental decoder and an encoder (no sockets).
        .target(name: "NATSWire", dependencies: [.product(name: "NIOCore", package: "swift-nio")]),
        // Pure resilience logic: backoff with jitter, circuit breaker, retry policy and budget.
        .target(name: "Resilience"),
        // The NATS client: connect, publish, subscribe, request, flush, drain, reconnect, auth, TLS.
        .target(
            name: "NATSClient",
            dependencies: [
                "NATSWire", "Resilience", .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"), .product(name: "NIOTLS", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),

        // hiredis (Debian's libhiredis-dev) formats commands and parses RESP for the Redis client.
        .systemLibrary(name: "CHiredis", pkgConfig: "hiredis", providers: [.apt(["libhiredis-dev"])]),
        // The Redis client (pipelined, pooled, reconnecting), locks with fencing tokens, idempotency store.
        .target(
            name: "Redis",
            dependencies: [
                "CHiredis", "Resilience", .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"), .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),

        // The composition root of a service: generated handlers served over NATS with envelopes,
        // validation, idempotency, locks, a breaker, discovery ($SRV) and graceful shutdown.
        .target(
            name: "ServiceHost",
            dependencies: [
                "MessagingRuntime", "NATSClient", "NATSWire", "Redis", "Resilience", .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"), .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),

        // Access tokens (JWT, HS256 via jwt-kit): issued by the auth service, verified by the gateway.
        .target(name: "AccessTokens", dependencies: ["MessagingRuntime", .product(name: "JWTKit", package: "jwt-kit")]),
        // The HTTP gateway: generated routes on Hummingbird, each a NATS request to a service.
        .target(
            name: "Gateway",
            dependencies: [
                "MessagingRuntime", "NATSClient", "NATSWire", "AccessTokens", "Resilience", .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"), .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"), .product(name: "NIOHTTPTypesHTTP1", package: "swift-nio-extras"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "HTTPTypes", package: "swift-http-types"), .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"), .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]
        ),

        // SQLite (Debian's libsqlite3-dev), the example services' embedded store, and a thin wrapper.
        .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),
        .target(name: "SQLite", dependencies: ["CSQLite"]),
        // The worked example: auth, events and bookings services on the generated protocols and SQLite.
        .target(
            name: "EventBooking",
            dependencies: [
                "SQLite", "ServiceHost", "Gateway", "AccessTokens", "GeneratedSchemas", "MessagingRuntime", "NATSClient", "Redis",
                .product(name: "Crypto", package: "swift-crypto"), .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"), .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]
        ),
        .executableTarget(
            name: "event-booking",
            dependencies: [
                "EventBooking", "NATSClient", .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),

        // MARK: Generated code (the output of `switchboard generate`, committed)
        .target(name: "GeneratedSchemas", dependencies: ["MessagingRuntime"], path: "Generated"),

        // MARK: Tests
        .target(
            name: "TestSupport", dependencies: [.product(name: "NIOPosix", package: "swift-nio")], path: "Tests/TestSupport"
        ),
        .testTarget(name: "MessagingRuntimeTests", dependencies: ["MessagingRuntime", "TestSupport"]),
        .testTarget(
            name: "SchemaCompilerTests",
            dependencies: ["SchemaCompiler", "SchemaSyntax", "TestSupport"],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(
            name: "SchemaCodeGenTests",
            dependencies: ["SchemaCompiler", "SchemaCodeGen", "TestSupport", .product(name: "Mustache", package: "swift-mustache")]
        ),
        .testTarget(
            name: "ValidationTests",
            dependencies: ["SchemaCompiler", "SchemaValidation", "SchemaExport", "GeneratedSchemas", "MessagingRuntime", "TestSupport"]
        ),
        .testTarget(name: "CLITests", dependencies: ["switchboard", "TestSupport"]),
        .testTarget(name: "TestSupportTests", dependencies: ["TestSupport"]),
        .testTarget(name: "ResilienceTests", dependencies: ["Resilience", "TestSupport"]),
        .testTarget(
            name: "GatewayTests",
            dependencies: [
                "Gateway", "ServiceHost", "AccessTokens", "GeneratedSchemas", "NATSClient", "Redis", "TestSupport",
                .product(name: "HTTPTypes", package: "swift-http-types"), .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOHTTPTypesHTTP1", package: "swift-nio-extras"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .testTarget(
            name: "ServiceHostTests",
            dependencies: [
                "ServiceHost", "GeneratedSchemas", "NATSClient", "Redis", "TestSupport",
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        .testTarget(
            name: "RedisTests",
            dependencies: [
                "Redis", "Resilience", "TestSupport", .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"), .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOTestUtils", package: "swift-nio"),
            ]
        ),
        .testTarget(
            name: "NATSClientTests",
            dependencies: ["NATSClient", "TestSupport", .product(name: "NIOPosix", package: "swift-nio")]
        ),
        .testTarget(name: "SQLiteTests", dependencies: ["SQLite"]),
        .testTarget(
            name: "ReadmeTests",
            dependencies: [
                "AccessTokens", "Gateway", "GeneratedSchemas", "MessagingRuntime", "NATSClient", "NATSWire", "Redis", "Resilience", "ServiceHost",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "EventBookingTests",
            dependencies: [
                "EventBooking", "event-booking", "SQLite", "ServiceHost", "GeneratedSchemas", "MessagingRuntime", "NATSClient",
                "TestSupport",
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .testTarget(
            name: "NATSWireTests",
            dependencies: [
                "NATSWire", "TestSupport", .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
    ]
)
