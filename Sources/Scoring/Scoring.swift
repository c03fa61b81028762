// The Scoring module. See README.md (Architecture).
import CargoModel
