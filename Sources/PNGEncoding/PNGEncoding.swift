// The PNGEncoding module. See README.md (Architecture).
import CLibPNG
