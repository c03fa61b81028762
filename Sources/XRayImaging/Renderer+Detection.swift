extension Renderer {
    /// Photon noise, the floor, the 16-bit log encoding, material classes and the display image, in one pass.
    ///
    /// Noise: the signal of a pixel is N·T photons (N the open-beam flux per pixel) with variance
    /// N·T + σₑ², σₑ the electronic noise (a third of the floor's signal); drawn as a Gaussian of that
    /// variance (the Poisson distribution's normal approximation). The measured transmission never falls
    /// below the floor. Display: grey = 1 − τ_high / τ_floor (white = open beam, black = the floor), tinted
    /// by the class colour at 65 % saturation.
    static func detect(
        _ scan: inout RenderedScan, profile: ScannerProfile, classifier: MaterialClassifier,
        noiseSeed: UInt64?
    ) {
        let count = scan.width * scan.height
        let floor = Float(profile.transmissionFloor)
        let fluxHigh = Float(profile.photonsPerPixelHigh), fluxLow = Float(profile.photonsPerPixelLow)
        let darkHigh = floor * fluxHigh / 3, darkLow = floor * fluxLow / 3
        let scale = Float(65535 / RenderedScan.opticalDepthFullScale)
        let greyScale = 1 / classifier.saturationDepthHigh
        let saturation: Float = 0.65
        var random = noiseSeed.map(NoiseRandom.init(seed:))
        let lowIsHigh = !profile.isDualEnergy
        scan.transmissionHigh.withUnsafeMutableBufferPointer { th in
            scan.transmissionLow.withUnsafeMutableBufferPointer { tl in
                scan.high.withUnsafeMutableBufferPointer { high in
                    scan.low.withUnsafeMutableBufferPointer { low in
                        scan.display.withUnsafeMutableBufferPointer { display in
                            scan.materialClasses.withUnsafeMutableBufferPointer { classes in
                                for i in 0..<count {
                                    var h = th[i], l = tl[i]
                                    if random != nil {
                                        let signalHigh = fluxHigh * h
                                        h =
                                            (signalHigh + (signalHigh + darkHigh * darkHigh).squareRoot()
                                                * random!.standardNormal()) / fluxHigh
                                        if lowIsHigh {
                                            l = h
                                        } else {
                                            let signalLow = fluxLow * l
                                            l =
                                                (signalLow + (signalLow + darkLow * darkLow).squareRoot()
                                                    * random!.standardNormal()) / fluxLow
                                        }
                                    }
                                    h = min(1, max(floor, h))
                                    l = min(1, max(floor, l))
                                    th[i] = h
                                    tl[i] = l
                                    let tauHigh = -fastLog(h), tauLow = -fastLog(l)
                                    high[i] = UInt16(max(0, min(65535, 65535 - tauHigh * scale + 0.5)))
                                    low[i] = UInt16(max(0, min(65535, 65535 - tauLow * scale + 0.5)))
                                    let kind = classifier.classify(tauHigh: tauHigh, tauLow: tauLow)
                                    classes[i] = kind
                                    let grey = max(0, min(1, 1 - tauHigh * greyScale))
                                    let tint = kind.tint
                                    let s: Float = (kind == .unknown || kind == .saturated) ? 0 : saturation
                                    display[3 * i] = UInt8(grey * (1 - s + s * tint.red) * 255 + 0.5)
                                    display[3 * i + 1] = UInt8(grey * (1 - s + s * tint.green) * 255 + 0.5)
                                    display[3 * i + 2] = UInt8(grey * (1 - s + s * tint.blue) * 255 + 0.5)
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// ln x for positive normal Floats, absolute error below 10⁻⁶ (well inside a 16-bit sample's 1.8 × 10⁻⁴
/// of optical depth): x = 2ᵉ·m with m in [√½, √2), ln m = 2·atanh s with s = (m − 1)/(m + 1), by its
/// series to s⁹. Pure arithmetic, so bit-identical wherever IEEE Float is.
@inline(__always)
func fastLog(_ x: Float) -> Float {
    var bits = x.bitPattern
    var exponent = Int32(bitPattern: (bits >> 23) & 0xFF) - 127
    bits = (bits & 0x007F_FFFF) | 0x3F80_0000
    var m = Float(bitPattern: bits)
    if m > 1.414_213_56 {
        m *= 0.5
        exponent += 1
    }
    let s = (m - 1) / (m + 1)
    let s2 = s * s
    let series = s * (2 + s2 * (2.0 / 3 + s2 * (2.0 / 5 + s2 * (2.0 / 7 + s2 * (2.0 / 9)))))
    return Float(exponent) * 0.693_147_18 + series
}
