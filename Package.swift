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
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
    ],
    targets: [
        // The domain as value types: no I/O, no dependencies.
        .target(name: "CargoModel"),
        // Seed + spec (+ catalogues) -> case and answer key. Pure.
        .target(name: "CaseGeneration", dependencies: ["CargoModel"]),
        // Courses on disk, YAML specs with line/column errors, catalogue loading.
        .target(
            name: "CaseBundle",
            dependencies: ["CargoModel", "CaseGeneration", .product(name: "Yams", package: "Yams")]
        ),
        .executableTarget(
            name: "cargosim",
            dependencies: [
                "CargoModel", "CaseGeneration", "CaseBundle",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(name: "CargoModelTests", dependencies: ["CargoModel"]),
        .testTarget(name: "CaseGenerationTests", dependencies: ["CaseGeneration", "CaseBundle"]),
        .testTarget(name: "CaseBundleTests", dependencies: ["CaseBundle"]),
        .testTarget(name: "CargosimTests", dependencies: ["CaseBundle"]),
    ]
)
