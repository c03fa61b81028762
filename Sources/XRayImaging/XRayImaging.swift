// The XRayImaging module. See README.md (Architecture).
import CargoModel
