#!/usr/bin/env python3
"""Reproduces the energy bins and weights of CargoSim's scanner profiles (XRayImaging/ScannerProfile.swift).

Model (stated, not measured): thick-target bremsstrahlung photon fluence by Kramers' law,
phi(E) ~ (E0 - E) / E (H. A. Kramers, Phil. Mag. 46 (1923) 836), hardened by the source's own filtration
(tungsten target and copper/steel windows), then weighted for an energy-integrating scintillator
(signal per photon ~ E * (1 - exp(-mu_det(E) * t_det)), CdWO4 density 7.9 g/cm3, effective composition
by mass Cd 0.312, W 0.511, O 0.178). Radioactive lines: Co-60 1.1732 and 1.3325 MeV, one photon each
per decay (NNDC/ENSDF). mu/rho from NIST SRD 126 (Hubbell & Seltzer), files in nist/elements.
Run: python3 spectra.py   (prints the Swift literals and each spectrum's mean energy)
"""
import math, os
here = os.path.dirname(os.path.abspath(__file__))

def table(z):
    rows = []
    for line in open(os.path.join(here, 'nist', 'elements', 'z%02d.csv' % z)):
        if line.startswith('#') or not line.strip(): continue
        e, m, _ = line.split(',')
        rows.append((float(e), float(m)))
    return rows

def mu_rho(rows, e):
    # log-log interpolation; above an edge take the upper row
    for i in range(len(rows) - 1):
        e0, m0 = rows[i]; e1, m1 = rows[i + 1]
        if e0 <= e <= e1 and e1 > e0:
            t = math.log(e / e0) / math.log(e1 / e0)
            return math.exp(math.log(m0) + t * (math.log(m1) - math.log(m0)))
    raise ValueError(e)

W, Cu, Fe, Cd, O = table(74), table(29), table(26), table(48), table(8)
def cdwo4(e): return 0.312 * mu_rho(Cd, e) + 0.511 * mu_rho(W, e) + 0.178 * mu_rho(O, e)

def spectrum(e0, filters, det_cm, front_cm=0.0, lo=0.05, steps=4000):
    """(energy, detected-signal weight, fluence) on a fine grid."""
    out = []
    for i in range(steps):
        e = lo + (e0 - lo) * (i + 0.5) / steps
        phi = (e0 - e) / e
        for (rows, rho, cm) in filters:
            phi *= math.exp(-mu_rho(rows, e) * rho * cm)
        # the front layer (dual-layer detector) absorbs before the back layer
        mu_det = cdwo4(e) * 7.9
        pre = math.exp(-mu_det * front_cm)
        absorbed = pre * (1 - math.exp(-mu_det * det_cm))
        out.append((e, phi * e * absorbed, phi))
    return out

def bins(spec, edges):
    res = []
    for a, b in zip(edges, edges[1:]):
        sel = [(e, w) for (e, w, _) in spec if a <= e < b]
        wsum = sum(w for _, w in sel)
        if wsum <= 0: continue
        emean = sum(e * w for e, w in sel) / wsum
        res.append((emean, wsum))
    tot = sum(w for _, w in res)
    return [(e, w / tot) for e, w in res]

def fluence_mean(spec):
    return sum(e * f for e, _, f in spec) / sum(f for _, _, f in spec)

def show(name, spec, edges):
    b = bins(spec, edges)
    print('// %s: fluence mean %.2f MeV, detected-signal mean %.2f MeV' % (
        name, fluence_mean(spec), sum(e * w for e, w in b)))
    print('[' + ', '.join('.init(energyMeV: %.4f, weight: %.5f)' % (e, w) for e, w in b) + ']')
    return b

linac_filter = [(W, 19.3, 0.15), (Cu, 8.96, 0.5)]   # 1.5 mm W target, 5 mm Cu backing/window
edges6 = [0.1, 0.3, 0.6, 1.0, 1.5, 2.2, 3.0, 4.2, 6.0]
edges4 = [0.1, 0.3, 0.6, 1.0, 1.5, 2.2, 3.0, 4.0]
hi = show('6 MV', spectrum(6.0, linac_filter, 3.0, lo=0.1), edges6)
lo = show('4 MV', spectrum(4.0, linac_filter, 3.0, lo=0.1), edges4)
co = [(1.1732, 1.1732 * (1 - math.exp(-cdwo4(1.1732) * 7.9 * 3))),
      (1.3325, 1.3325 * (1 - math.exp(-cdwo4(1.3325) * 7.9 * 3)))]
t = sum(w for _, w in co)
print('// Co-60 lines, detected-signal weights')
print('[' + ', '.join('.init(energyMeV: %.4f, weight: %.5f)' % (e, w / t) for e, w in co) + ']')
tube_filter = [(Cu, 8.96, 0.2)]  # 2 mm Cu filtration
edges450 = [0.03, 0.08, 0.12, 0.16, 0.2, 0.25, 0.3, 0.36, 0.45]
tlo = show('450 kV front layer (0.5 mm CdWO4)', spectrum(0.45, tube_filter, 0.05, lo=0.03), edges450)
thi = show('450 kV back layer (5 mm CdWO4 behind the front layer)',
           spectrum(0.45, tube_filter + [(Cu, 8.96, 0.1)], 0.5, front_cm=0.05, lo=0.03), edges450)

def steel_T(b, mm):
    return sum(w * math.exp(-mu_rho(Fe, e) * 7.874 * mm / 10) for e, w in b)
for name, b, mm in [('6 MV', hi, 300), ('4 MV', lo, 300), ('Co-60', [(e, w / t) for e, w in co], 165),
                    ('450 kV back', thi, 80)]:
    print('// T through %d mm steel, %s: %.3e' % (mm, name, steel_T(b, mm)))
