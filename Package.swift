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
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.0"),
    ],
    targets: [
        // The domain as value types: no I/O, no dependencies.
        .target(name: "CargoModel"),
        // Seed + spec (+ catalogues) -> case and answer key. Pure.
        .target(name: "CaseGeneration", dependencies: ["CargoModel"]),
        // Courses on disk, YAML specs with line/column errors, catalogue loading.
        .target(
            name: "CaseBundle",
            dependencies: ["CargoModel", "CaseGeneration", "XRayImaging", .product(name: "Yams", package: "Yams")]
        ),
        // Scene + scanner profile -> transmission buffers, display image, key pixel geometry. Pure.
        // Optimised even in debug builds: the per-pixel SIMD code is ~50× slower unoptimised, and the tests
        // render real scenes.
        .target(
            name: "XRayImaging", dependencies: ["CargoModel"],
            swiftSettings: [.unsafeFlags(["-O"], .when(configuration: .debug))]),
        // The only place that talks to libpng (simplified png_image API: no longjmp across Swift frames).
        .systemLibrary(name: "CLibPNG", pkgConfig: "libpng", providers: [.apt(["libpng-dev"])]),
        .target(name: "PNGEncoding", dependencies: ["CLibPNG"]),
        // Grading, statistics, calibration, certification, certificates (keys passed in). Pure.
        .target(name: "Scoring", dependencies: ["CargoModel", .product(name: "Crypto", package: "swift-crypto")]),
        .executableTarget(
            name: "cargosim",
            dependencies: [
                "CargoModel", "CaseGeneration", "CaseBundle", "XRayImaging", "PNGEncoding", "Scoring",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(name: "CargoModelTests", dependencies: ["CargoModel"]),
        .testTarget(name: "CaseGenerationTests", dependencies: ["CaseGeneration", "CaseBundle"]),
        .testTarget(name: "CaseBundleTests", dependencies: ["CaseBundle"]),
        .testTarget(
            name: "XRayImagingTests", dependencies: ["XRayImaging", "CaseGeneration", "CaseBundle", "PNGEncoding"]),
        .testTarget(name: "PNGEncodingTests", dependencies: ["PNGEncoding"]),
        .testTarget(name: "ScoringTests", dependencies: ["Scoring", "CaseGeneration", "CaseBundle"]),
        .testTarget(name: "CargosimTests", dependencies: ["CaseBundle"]),
    ]
)
