// A PNG decoder for the scans: 16-bit grey (scan-high.png, scan-low.png) and 8-bit grey or RGB(A).
// Chunks are checked (signature, CRC, IHDR fields), the IDAT stream is inflated with the browser's
// DecompressionStream('deflate') (zlib framing, as PNG stores it) and the five row filters are undone.
// 16-bit samples are big-endian in the file and come back as a Uint16Array in native order.

const SIGNATURE = [137, 80, 78, 71, 13, 10, 26, 10];
const CHANNELS = { 0: 1, 2: 3, 4: 2, 6: 4 };

/** A PNG the decoder cannot read; `message` says what and where. */
export class PNGError extends Error {}

let crcTable = null;
function crc32(bytes, start, end) {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let c = 0xffffffff;
  for (let i = start; i < end; i++) c = crcTable[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** Splits a PNG into its header and the concatenated IDAT data; throws PNGError on a damaged file. */
export function readChunks(buffer) {
  const bytes = new Uint8Array(buffer);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 8 || SIGNATURE.some((b, i) => bytes[i] !== b)) throw new PNGError('not a PNG file (bad signature)');
  let offset = 8;
  let header = null;
  const idat = [];
  let idatLength = 0;
  let ended = false;
  while (offset + 12 <= bytes.length) {
    const length = view.getUint32(offset);
    const type = String.fromCharCode(...bytes.subarray(offset + 4, offset + 8));
    const dataStart = offset + 8;
    const dataEnd = dataStart + length;
    if (dataEnd + 4 > bytes.length) throw new PNGError(`chunk ${type} at byte ${offset} runs past the end of the file`);
    if (crc32(bytes, offset + 4, dataEnd) !== view.getUint32(dataEnd)) {
      throw new PNGError(`chunk ${type} at byte ${offset} has a bad CRC`);
    }
    if (type === 'IHDR') {
      if (length !== 13) throw new PNGError('IHDR has the wrong length');
      header = {
        width: view.getUint32(dataStart),
        height: view.getUint32(dataStart + 4),
        bitDepth: bytes[dataStart + 8],
        colorType: bytes[dataStart + 9],
        interlace: bytes[dataStart + 12],
      };
    } else if (type === 'IDAT') {
      idat.push(bytes.subarray(dataStart, dataEnd));
      idatLength += length;
    } else if (type === 'IEND') {
      ended = true;
      break;
    }
    offset = dataEnd + 4;
  }
  if (!header) throw new PNGError('no IHDR chunk');
  if (!ended) throw new PNGError('the file is truncated (no IEND chunk)');
  if (idat.length === 0) throw new PNGError('no IDAT chunk');
  const channels = CHANNELS[header.colorType];
  if (!channels) throw new PNGError(`colour type ${header.colorType} is not supported (grey, RGB, grey+alpha, RGBA only)`);
  if (header.bitDepth !== 8 && header.bitDepth !== 16) throw new PNGError(`bit depth ${header.bitDepth} is not supported`);
  if (header.interlace !== 0) throw new PNGError('interlaced PNGs are not supported');
  if (header.width === 0 || header.height === 0 || header.width * header.height > 64e6) {
    throw new PNGError(`implausible size ${header.width}×${header.height}`);
  }
  const data = new Uint8Array(idatLength);
  let at = 0;
  for (const part of idat) {
    data.set(part, at);
    at += part.length;
  }
  return { ...header, channels, data };
}

async function inflate(bytes) {
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('deflate'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

function paeth(a, b, c) {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

/** Undoes the per-row filters in place; `raw` holds height rows of (1 + stride) bytes. Returns the rows. */
export function unfilter(raw, width, height, bytesPerPixel) {
  const stride = width * bytesPerPixel;
  if (raw.length < height * (stride + 1)) {
    throw new PNGError(`image data too short: ${raw.length} bytes for ${height} rows of ${stride + 1}`);
  }
  const out = new Uint8Array(height * stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    const src = y * (stride + 1) + 1;
    const row = y * stride;
    const prev = row - stride;
    switch (filter) {
      case 0:
        out.set(raw.subarray(src, src + stride), row);
        break;
      case 1:
        for (let i = 0; i < stride; i++) {
          out[row + i] = (raw[src + i] + (i >= bytesPerPixel ? out[row + i - bytesPerPixel] : 0)) & 0xff;
        }
        break;
      case 2:
        for (let i = 0; i < stride; i++) out[row + i] = (raw[src + i] + (y > 0 ? out[prev + i] : 0)) & 0xff;
        break;
      case 3:
        for (let i = 0; i < stride; i++) {
          const left = i >= bytesPerPixel ? out[row + i - bytesPerPixel] : 0;
          const up = y > 0 ? out[prev + i] : 0;
          out[row + i] = (raw[src + i] + ((left + up) >> 1)) & 0xff;
        }
        break;
      case 4:
        for (let i = 0; i < stride; i++) {
          const left = i >= bytesPerPixel ? out[row + i - bytesPerPixel] : 0;
          const up = y > 0 ? out[prev + i] : 0;
          const upLeft = y > 0 && i >= bytesPerPixel ? out[prev + i - bytesPerPixel] : 0;
          out[row + i] = (raw[src + i] + paeth(left, up, upLeft)) & 0xff;
        }
        break;
      default:
        throw new PNGError(`row ${y} has unknown filter type ${filter}`);
    }
  }
  return out;
}

/**
 * Decodes a PNG (ArrayBuffer) into {width, height, channels, bitDepth, samples}: samples is a Uint16Array
 * for 16-bit images (big-endian samples converted) and a Uint8Array for 8-bit ones, row-major, interleaved.
 */
export async function decodePNG(buffer) {
  const png = readChunks(buffer);
  let raw;
  try {
    raw = await inflate(png.data);
  } catch (error) {
    throw new PNGError(`the image data does not inflate (${error.message})`);
  }
  const bytesPerSample = png.bitDepth / 8;
  const rows = unfilter(raw, png.width, png.height, png.channels * bytesPerSample);
  let samples;
  if (png.bitDepth === 16) {
    samples = new Uint16Array(rows.length / 2);
    for (let i = 0, j = 0; i < samples.length; i++, j += 2) samples[i] = (rows[j] << 8) | rows[j + 1];
  } else {
    samples = rows;
  }
  return { width: png.width, height: png.height, channels: png.channels, bitDepth: png.bitDepth, samples };
}
