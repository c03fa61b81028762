import Foundation
import Testing

@testable import CaseBundle

/// Makes `<root>/<relative>/catalog/` and returns `<root>/<relative>`.
@discardableResult
private func makeAssets(_ root: URL, _ relative: String) throws -> String {
    let assets = root.appendingPathComponent(relative, isDirectory: true)
    try FileManager.default.createDirectory(
        at: assets.appendingPathComponent("catalog"), withIntermediateDirectories: true)
    return assets.path
}

private func makeFolder(_ root: URL, _ relative: String) throws -> String {
    let folder = root.appendingPathComponent(relative, isDirectory: true)
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    return folder.path
}

@Suite struct AssetLocatorTests {
    @Test func anExplicitPathComesFirstThenTheEnvironment() throws {
        let root = try CatalogFixture.temporaryDirectory()
        let explicit = try makeAssets(root, "explicit/Assets")
        let fromEnvironment = try makeAssets(root, "env/Assets")
        let checkout = try makeAssets(root, "checkout/Assets")
        let executable = try makeFolder(root, "checkout/.build/debug") + "/cargosim"
        let environment = [AssetLocator.environmentVariable: fromEnvironment]

        let all = AssetLocator(
            explicitPath: explicit, environment: environment, executablePath: executable,
            currentDirectory: root.path)
        #expect(try all.locate().path == explicit)
        let noExplicit = AssetLocator(environment: environment, executablePath: executable, currentDirectory: root.path)
        #expect(try noExplicit.locate().path == fromEnvironment)
        let onlyExecutable = AssetLocator(environment: [:], executablePath: executable, currentDirectory: root.path)
        #expect(try onlyExecutable.locate().path == checkout)
    }

    @Test func aWrongExplicitPathIsAnErrorEvenWhenTheEnvironmentWouldDo() throws {
        let root = try CatalogFixture.temporaryDirectory()
        let fromEnvironment = try makeAssets(root, "env/Assets")
        let empty = try makeFolder(root, "empty")
        let locator = AssetLocator(
            explicitPath: empty, environment: [AssetLocator.environmentVariable: fromEnvironment],
            executablePath: nil, currentDirectory: root.path)
        #expect {
            _ = try locator.locate()
        } throws: { error in
            guard let error = error as? BundleError else { return false }
            return error.code == "assets.invalid" && error.message.hasPrefix("Point --assets at")
        }
        let badEnvironment = AssetLocator(
            environment: [AssetLocator.environmentVariable: empty], executablePath: nil,
            currentDirectory: root.path)
        #expect {
            _ = try badEnvironment.locate()
        } throws: { error in
            (error as? BundleError)?.message.hasPrefix("Point CARGOSIM_ASSETS at") == true
        }
    }

    @Test func anExplicitPathMayNameTheCheckoutAndMayBeRelative() throws {
        let root = try CatalogFixture.temporaryDirectory()
        let assets = try makeAssets(root, "checkout/Assets")
        let locator = AssetLocator(
            explicitPath: "checkout", environment: [:], executablePath: nil,
            currentDirectory: root.path)
        #expect(try locator.locate().path == assets)
    }

    @Test func thePackagedLayoutIsFoundNextToBin() throws {
        let root = try CatalogFixture.temporaryDirectory()
        let assets = try makeAssets(root, "usr/share/cargosim/Assets")
        let executable = try makeFolder(root, "usr/bin") + "/cargosim"
        let locator = AssetLocator(
            environment: [:], executablePath: executable, currentDirectory: try makeFolder(root, "work"))
        #expect(try locator.locate().path == assets)
    }

    /// `make dist`'s tarball: `libexec/cargosim` with `Assets/` beside `libexec/`, started from any folder (another
    /// course's checkout in the current folder must not win over the package's own assets).
    @Test func theTarballLayoutIsFoundAboveLibexec() throws {
        let root = try CatalogFixture.temporaryDirectory()
        let assets = try makeAssets(root, "opt/cargosim-1.1.0-linux-x86_64/Assets")
        let executable = try makeFolder(root, "opt/cargosim-1.1.0-linux-x86_64/libexec") + "/cargosim"
        try makeAssets(root, "elsewhere/Assets")
        let locator = AssetLocator(
            environment: [:], executablePath: executable, currentDirectory: try makeFolder(root, "elsewhere/course"))
        #expect(try locator.locate().path == assets)
    }

    @Test func theCurrentDirectoryAndItsParentsAreSearchedLast() throws {
        let root = try CatalogFixture.temporaryDirectory()
        let assets = try makeAssets(root, "project/Assets")
        let executable = try makeFolder(root, "usr/bin") + "/cargosim"
        let cwd = try makeFolder(root, "project/Cases/curricula")
        let locator = AssetLocator(environment: [:], executablePath: executable, currentDirectory: cwd)
        #expect(try locator.locate().path == assets)
    }

    @Test func nothingFoundSaysHowToFixIt() throws {
        let root = try CatalogFixture.temporaryDirectory()
        let locator = AssetLocator(
            environment: ["HOME": "/nowhere"], executablePath: try makeFolder(root, "bin") + "/cargosim",
            currentDirectory: try makeFolder(root, "work"))
        #expect {
            _ = try locator.locate()
        } throws: { error in
            guard let error = error as? BundleError else { return false }
            return error.code == "assets.notFound" && error.message.contains("--assets")
                && error.message.contains("CARGOSIM_ASSETS")
        }
    }

    @Test func theRunningExecutableIsKnownAndTheCheckoutsAssetsAreFoundFromIt() throws {
        let executable = try #require(AssetLocator.runningExecutablePath())
        #expect(FileManager.default.fileExists(atPath: executable))
        // The test binary lives under the checkout's build folder, so walking up finds Assets/.
        let located = try AssetLocator(environment: [:], currentDirectory: "/").locate()
        #expect(located.standardizedFileURL.path == CatalogFixture.repositoryAssets.standardizedFileURL.path)
    }
}
