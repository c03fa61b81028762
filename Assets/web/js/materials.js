// Material classes from the dual-energy ratio, as XRayImaging's MaterialClassifier computes them:
// τ = −ln T of each channel (from the 16-bit log encoding), R = τ_low / τ_high, and the class of the
// nearest reference curve (polyethylene, aluminium, steel, lead) at the pixel's τ_high, both depths averaged
// over the profile's classification window first (as the server does). The curves are
// the scanner profile's own calibration (`/calibration/<profile>.json`, written from MaterialClassifier
// and checked against it by XRayImagingTests).

/** Class codes, as MaterialClass's raw values. */
export const MATERIAL = { unknown: 0, organic: 1, mixed: 2, inorganic: 3, heavyMetal: 4, saturated: 5 };
/** Names by class code (for the texts `web.material.<name>`). */
export const MATERIAL_NAMES = ['unknown', 'organic', 'mixed', 'inorganic', 'heavyMetal', 'saturated'];
const ORDER = [MATERIAL.organic, MATERIAL.mixed, MATERIAL.inorganic, MATERIAL.heavyMetal];

/** τ of a 16-bit log-encoded sample: (65535 − sample) / 65535 · 12. */
export function opticalDepthOfSample(sample) {
  return ((65535 - sample) / 65535) * 12;
}

/** The class of one pixel from its two optical depths. */
export function classifyPixel(tauHigh, tauLow, calibration) {
  const c = calibration;
  if (tauHigh >= c.saturationDepthHigh - 0.05 || tauLow >= c.saturationDepthLow - 0.05) return MATERIAL.saturated;
  if (!c.isDualEnergy || tauHigh < c.minimumOpticalDepth) return MATERIAL.unknown;
  const ratio = tauLow / tauHigh;
  const i = Math.min(c.steps - 1, Math.floor(tauHigh * c.stepsPerUnit + 0.5)) * 4;
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
 * The mean of each pixel's window × window neighbourhood (edges repeated) of a width × height image, along the
 * rows then down the columns, as XRayImaging's NoiseModel.boxMean.
 */
export function boxMean(values, width, height, window) {
  const half = Math.floor(window / 2);
  const rows = new Float32Array(values.length);
  const means = new Float32Array(values.length);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let sum = 0;
      for (let k = -half; k <= half; k++) sum += values[y * width + Math.min(width - 1, Math.max(0, x + k))];
      rows[y * width + x] = sum / window;
    }
  }
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let sum = 0;
      for (let k = -half; k <= half; k++) sum += rows[Math.min(height - 1, Math.max(0, y + k)) * width + x];
      means[y * width + x] = sum / window;
    }
  }
  return means;
}

/**
 * The class of every pixel (Uint8Array) from the high and low channels' samples: on the two channels' optical
 * depths averaged over the calibration's window (`classificationWindow`, as the server classifies; needs the
 * image's width), pixel by pixel when the window is 1 or the width is not given.
 */
export function classify(high, low, calibration, width) {
  const classes = new Uint8Array(high.length);
  const tau = new Float32Array(65536);
  for (let v = 0; v < 65536; v++) tau[v] = opticalDepthOfSample(v);
  const window = calibration.classificationWindow || 1;
  if (window > 1 && width) {
    const height = high.length / width;
    const tauHigh = new Float32Array(high.length);
    const tauLow = new Float32Array(low.length);
    for (let i = 0; i < high.length; i++) {
      tauHigh[i] = tau[high[i]];
      tauLow[i] = tau[low[i]];
    }
    const meanHigh = boxMean(tauHigh, width, height, window);
    const meanLow = boxMean(tauLow, width, height, window);
    for (let i = 0; i < high.length; i++) classes[i] = classifyPixel(meanHigh[i], meanLow[i], calibration);
    return classes;
  }
  for (let i = 0; i < high.length; i++) classes[i] = classifyPixel(tau[high[i]], tau[low[i]], calibration);
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
