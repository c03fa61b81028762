// Material classes from the dual-energy ratio averaged over a 7 × 7 window, by the one rule of XRayImaging's
// LocalRatioClassifier (the renderer) and the server's class map: τ = −ln T of each channel (from the 16-bit log
// encoding), R = Σ τ_low / Σ τ_high over the window's classifiable pixels, and the class of the nearest reference
// curve (polyethylene, aluminium, steel, lead) at the window's mean τ_high. The curves are the scanner profile's
// own calibration (`/calibration/<profile>.json`, written from MaterialClassifier and checked against it by
// XRayImagingTests).

/** Class codes, as MaterialClass's raw values. */
export const MATERIAL = { unknown: 0, organic: 1, mixed: 2, inorganic: 3, heavyMetal: 4, saturated: 5 };
/** Names by class code (for the texts `web.material.<name>`). */
export const MATERIAL_NAMES = ['unknown', 'organic', 'mixed', 'inorganic', 'heavyMetal', 'saturated'];
const ORDER = [MATERIAL.organic, MATERIAL.mixed, MATERIAL.inorganic, MATERIAL.heavyMetal];

/** τ of a 16-bit log-encoded sample: (65535 − sample) / 65535 · 12. */
export function opticalDepthOfSample(sample) {
  return ((65535 - sample) / 65535) * 12;
}

/** The side of the window the ratio is averaged over (XRayImaging's LocalRatioClassifier.windowSize). */
export const WINDOW_SIZE = 7;
const RADIUS = (WINDOW_SIZE - 1) / 2;
const CLASSIFIABLE = 255;

/** τ of d = 65535 − sample, as every implementation of the rule computes it. */
function depth(d) {
  return (d * 12) / 65535;
}

/** A pixel's own verdict: MATERIAL.saturated, MATERIAL.unknown, or CLASSIFIABLE (its class from its window). */
function ownVerdict(high, low, c) {
  const dHigh = 65535 - high;
  const dLow = 65535 - low;
  if (depth(dHigh) >= c.saturationDepthHigh - 0.05 || depth(dLow) >= c.saturationDepthLow - 0.05) return MATERIAL.saturated;
  if (!c.isDualEnergy || depth(dHigh) < c.minimumOpticalDepth) return MATERIAL.unknown;
  return CLASSIFIABLE;
}

/** The class of a classifiable pixel from its window's sums of d over the n classifiable pixels. */
function classOfWindow(sumHigh, sumLow, n, c) {
  const tau = (sumHigh * 12) / (65535 * n);
  const i = Math.min(c.steps - 1, Math.floor(tau * c.stepsPerUnit + 0.5)) * 4;
  const ratio = sumLow / sumHigh;
  let best = 0;
  let bestDistance = Math.abs(ratio - c.curves[i]);
  for (let m = 1; m < 4; m++) {
    const d = Math.abs(ratio - c.curves[i + m]);
    if (d < bestDistance) {
      bestDistance = d;
      best = m;
    }
  }
  return ORDER[best];
}

/**
 * The class of pixel (x, y) of a width × height scan by the local-ratio rule: saturated or unknown from its own
 * samples; otherwise the dual-energy ratio of the sums of d = 65535 − sample over the classifiable pixels of the
 * WINDOW_SIZE × WINDOW_SIZE window around it (clipped to the image), against the curves at the window's mean depth.
 * `high` and `low` must hold the exact samples over that window.
 */
export function classifyAt(high, low, width, height, x, y, calibration) {
  const own = ownVerdict(high[y * width + x], low[y * width + x], calibration);
  if (own !== CLASSIFIABLE) return own;
  let sumHigh = 0;
  let sumLow = 0;
  let n = 0;
  for (let v = Math.max(0, y - RADIUS); v <= Math.min(height - 1, y + RADIUS); v++) {
    for (let u = Math.max(0, x - RADIUS); u <= Math.min(width - 1, x + RADIUS); u++) {
      const i = v * width + u;
      if (ownVerdict(high[i], low[i], calibration) !== CLASSIFIABLE) continue;
      sumHigh += 65535 - high[i];
      sumLow += 65535 - low[i];
      n++;
    }
  }
  return classOfWindow(sumHigh, sumLow, n, calibration);
}

/**
 * The class of every pixel (Uint8Array) of a width × height scan from the high and low channels' samples, by the
 * rule of classifyAt: the window sums by running sums along rows, then down columns (exact integers).
 */
export function classify(high, low, width, height, calibration) {
  const count = width * height;
  const classes = new Uint8Array(count);
  const dHigh = new Int32Array(count);
  const dLow = new Int32Array(count);
  const usable = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    const own = ownVerdict(high[i], low[i], calibration);
    if (own === CLASSIFIABLE) {
      dHigh[i] = 65535 - high[i];
      dLow[i] = 65535 - low[i];
      usable[i] = 1;
    } else {
      classes[i] = own;
    }
  }
  const rowHigh = new Int32Array(count);
  const rowLow = new Int32Array(count);
  const rowCount = new Int32Array(count);
  for (let y = 0; y < height; y++) {
    const base = y * width;
    let sh = 0;
    let sl = 0;
    let sn = 0;
    for (let x = 0; x < Math.min(RADIUS, width); x++) {
      sh += dHigh[base + x];
      sl += dLow[base + x];
      sn += usable[base + x];
    }
    for (let x = 0; x < width; x++) {
      if (x + RADIUS < width) {
        sh += dHigh[base + x + RADIUS];
        sl += dLow[base + x + RADIUS];
        sn += usable[base + x + RADIUS];
      }
      if (x - RADIUS - 1 >= 0) {
        sh -= dHigh[base + x - RADIUS - 1];
        sl -= dLow[base + x - RADIUS - 1];
        sn -= usable[base + x - RADIUS - 1];
      }
      rowHigh[base + x] = sh;
      rowLow[base + x] = sl;
      rowCount[base + x] = sn;
    }
  }
  const sumHigh = new Float64Array(width);
  const sumLow = new Float64Array(width);
  const sumCount = new Float64Array(width);
  const add = (row, sign) => {
    const base = row * width;
    for (let x = 0; x < width; x++) {
      sumHigh[x] += sign * rowHigh[base + x];
      sumLow[x] += sign * rowLow[base + x];
      sumCount[x] += sign * rowCount[base + x];
    }
  };
  for (let y = 0; y < Math.min(RADIUS, height); y++) add(y, 1);
  for (let y = 0; y < height; y++) {
    if (y + RADIUS < height) add(y + RADIUS, 1);
    if (y - RADIUS - 1 >= 0) add(y - RADIUS - 1, -1);
    const base = y * width;
    for (let x = 0; x < width; x++) {
      if (usable[base + x]) classes[base + x] = classOfWindow(sumHigh[x], sumLow[x], sumCount[x], calibration);
    }
  }
  return classes;
}

/** Fetches a profile's calibration; null when there is none (the material filter is then off). */
export async function loadCalibration(profile) {
  try {
    const response = await fetch(`/calibration/${encodeURIComponent(profile)}.json`);
    if (!response.ok) return null;
    const c = await response.json();
    c.steps = c.curves.length / 4;
    return c;
  } catch {
    return null;
  }
}
