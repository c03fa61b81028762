// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "CargoSim",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "cargosim", targets: ["cargosim"]),
        .library(name: "CargoModel", targets: ["CargoModel"]),
        .library(name: "CaseGeneration", targets: ["CaseGeneration"]),
        .library(name: "CaseBundle", targets: ["CaseBundle"]),
        .library(name: "XRayImaging", targets: ["XRayImaging"]),
        .library(name: "PNGEncoding", targets: ["PNGEncoding"]),
        .library(name: "Scoring", targets: ["Scoring"]),
        .library(name: "Storage", targets: ["Storage"]),
        .library(name: "PostgresStorage", targets: ["PostgresStorage"]),
        .library(name: "CasePrint", targets: ["CasePrint"]),
        .library(name: "TrainingServer", targets: ["TrainingServer"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth", from: "2.5.0"),
        // Already in the graph through Hummingbird (HummingbirdTLS, HummingbirdTesting); named here because the
        // server imports them itself: raw channel handlers, TLS for `serve --lan`, its self-signed certificate.
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.0"),
        .package(url: "https://github.com/apple/swift-certificates", from: "1.21.0"),
        .package(url: "https://github.com/apple/swift-asn1", from: "1.7.0"),
        // The PostgreSQL store (`serve --db postgres://…`): its wire protocol and connection pool (PostgresClient).
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.0"),
    ],
    targets: [
        // The domain as value types: no I/O, no dependencies.
        .target(name: "CargoModel"),
        // Seed + spec (+ catalogues) -> case and answer key. Pure. swift-crypto for the seed's HMAC derivations.
        .target(
            name: "CaseGeneration", dependencies: ["CargoModel", .product(name: "Crypto", package: "swift-crypto")]),
        // Courses on disk (and their production: generate, render, encode, write), YAML specs with line/column
        // errors, catalogue loading.
        .target(
            name: "CaseBundle",
            dependencies: [
                "CargoModel", "CaseGeneration", "XRayImaging", "PNGEncoding", "CZlib",
                .product(name: "Yams", package: "Yams"), .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        // Scene + scanner profile -> transmission buffers, display image, key pixel geometry. Pure.
        // Optimised even in debug builds: the per-pixel SIMD code is ~50× slower unoptimised, and the tests
        // render real scenes. Release builds skip the run-time exclusivity checks: the projection's column walk
        // keeps its state in variables its nested functions capture, and checking each access at run time cost
        // about a sixth of the projection (the module works on raw buffers; its tests check pixels exactly).
        .target(
            name: "XRayImaging", dependencies: ["CargoModel"],
            swiftSettings: [
                .unsafeFlags(["-O"], .when(configuration: .debug)),
                .unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release)),
            ]),
        // The only place that talks to libpng (simplified png_image API: no longjmp across Swift frames).
        .systemLibrary(name: "CLibPNG", pkgConfig: "libpng", providers: [.apt(["libpng-dev"])]),
        .target(name: "PNGEncoding", dependencies: ["CLibPNG"]),
        // Grading, statistics, calibration, certification, certificates (keys passed in). Pure.
        .target(name: "Scoring", dependencies: ["CargoModel", .product(name: "Crypto", package: "swift-crypto")]),
        // Cases and keys as text and printable HTML for people (`show`, `review-pack`, the console's print packs). Pure.
        .target(name: "CasePrint", dependencies: ["CargoModel", "CaseGeneration", "CaseBundle", "Scoring"]),
        // Users, courses, assignments, decisions, grades and the audit log behind one protocol; SQLite via GRDB.
        .target(name: "Storage", dependencies: ["CargoModel", .product(name: "GRDB", package: "GRDB.swift")]),
        // The same `Storage` on PostgreSQL (postgres-nio), for a programme's shared database.
        .target(
            name: "PostgresStorage",
            dependencies: [
                "CargoModel", "Storage",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ]
        ),
        // The training server: the JSON API of docs/API.md and the browser UI from Assets/web/.
        .target(
            name: "TrainingServer",
            dependencies: [
                "CargoModel", "CaseBundle", "CaseGeneration", "CasePrint", "Scoring", "Storage", "PNGEncoding",
                "XRayImaging",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        .executableTarget(
            name: "cargosim",
            dependencies: [
                "CargoModel", "CaseGeneration", "CaseBundle", "CasePrint", "XRayImaging", "PNGEncoding", "Scoring",
                "Storage", "PostgresStorage", "TrainingServer",
                .target(name: "CMalloc", condition: .when(platforms: [.linux])),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
        // zlib's inflate, for course archives uploaded to the console (zlib1g-dev, which libpng-dev brings).
        .systemLibrary(name: "CZlib", providers: [.apt(["zlib1g-dev"])]),
        // glibc's malloc.h, for keeping freed scan buffers in the process (the command line's keepFreedMemory).
        .systemLibrary(name: "CMalloc"),
        .testTarget(name: "CargoModelTests", dependencies: ["CargoModel"]),
        .testTarget(name: "CaseGenerationTests", dependencies: ["CaseGeneration", "CaseBundle"]),
        .testTarget(name: "CaseBundleTests", dependencies: ["CaseBundle"]),
        .testTarget(
            name: "XRayImagingTests", dependencies: ["XRayImaging", "CaseGeneration", "CaseBundle", "PNGEncoding"]),
        .testTarget(name: "PNGEncodingTests", dependencies: ["PNGEncoding"]),
        .testTarget(name: "ScoringTests", dependencies: ["Scoring", "CaseGeneration", "CaseBundle"]),
        .testTarget(name: "CargosimTests", dependencies: ["CaseBundle"]),
        .testTarget(name: "CasePrintTests", dependencies: ["CasePrint", "CaseGeneration", "CaseBundle", "Scoring"]),
        .testTarget(
            name: "TrainingServerTests",
            dependencies: [
                "TrainingServer", "Storage", "PostgresStorage", "CargoModel", "CaseBundle", "CaseGeneration",
                "XRayImaging", "Scoring",
                "PNGEncoding",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ]
        ),
    ]
)
