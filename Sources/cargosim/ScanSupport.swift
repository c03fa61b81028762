import CargoModel
import CaseBundle
import CaseGeneration
import Foundation
import PNGEncoding
import XRayImaging

/// The materials table of the workspace's assets (`Assets/materials`).
func loadMaterials(_ workspace: Workspace) throws -> MaterialTable {
    try MaterialTableLoader.load(from: workspace.assets)
}

/// Writes `data` to `url` through a temporary file in the same folder and a rename.
func writeAtomically(_ data: Data, to url: URL) throws {
    try data.write(to: url, options: .atomic)
}

