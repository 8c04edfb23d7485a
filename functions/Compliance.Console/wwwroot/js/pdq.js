// Meta's PDQ perceptual hash in the browser, ported line by line from the project's C# PdqHasher
// (functions/Compliance.Detection/Hashing/PdqHasher.cs), which reproduces Meta's reference bit for bit.
// Written by hand because no maintained npm package hashes PDQ bit-exactly with the reference: every
// single-precision step of the C# code is kept with Math.fround so PNG inputs give the same bits.
// Only the hashes leave the browser; the image is decoded and hashed here.

const f = Math.fround;
const LUMA_R = f(0.299);
const LUMA_G = f(0.587);
const LUMA_B = f(0.114);
const MIN_DIMENSION = 5;
const DOWNSAMPLE = 512;

const DCT = (() => {
  const scale = f(Math.sqrt(2.0 / 64));
  const m = new Float32Array(16 * 64);
  for (let i = 0; i < 16; i++) {
    for (let j = 0; j < 64; j++) {
      m[i * 64 + j] = scale * Math.cos(Math.PI / 2.0 / 64 * (i + 1) * (2 * j + 1));
    }
  }
  return m;
})();

/** The eight transforms, in the order `compliance hash --dihedral` prints them and the cases API expects. */
export const TRANSFORMS = ["original", "rotate90", "rotate180", "rotate270", "flip_x", "flip_y", "flip_plus1", "flip_minus1"];

/** Luminance resampled (nearest neighbour, as CImg's resize) to columns × rows. */
function luma(pixels, width, height, grey, columns, rows) {
  const out = new Float32Array(columns * rows);
  for (let y = 0; y < rows; y++) {
    const sy = rows === height ? y : Math.trunc(y * height / rows);
    for (let x = 0; x < columns; x++) {
      const sx = columns === width ? x : Math.trunc(x * width / columns);
      const i = (sy * width + sx) * 4;
      out[y * columns + x] = grey
        ? pixels[i]
        : f(f(f(LUMA_R * pixels[i]) + f(LUMA_G * pixels[i + 1])) + f(LUMA_B * pixels[i + 2]));
    }
  }
  return out;
}

const windowSize = (dimension) => Math.trunc((dimension + 128 - 1) / 128);

function box(input, output, start, length, stride, window) {
  const half = Math.trunc((window + 2) / 2);
  const leadIn = half - 1;
  const rampUp = window - half + 1;
  const full = length - window;
  const rampDown = half - 1;
  let left = start, right = start, write = start, sum = 0, size = 0;
  for (let n = 0; n < leadIn; n++, right += stride) { sum = f(sum + input[right]); size++; }
  for (let n = 0; n < rampUp; n++, right += stride, write += stride) { sum = f(sum + input[right]); size++; output[write] = sum / size; }
  for (let n = 0; n < full; n++, left += stride, right += stride, write += stride) {
    sum = f(sum + input[right]);
    sum = f(sum - input[left]);
    output[write] = sum / size;
  }
  for (let n = 0; n < rampDown; n++, left += stride, write += stride) { sum = f(sum - input[left]); size--; output[write] = sum / size; }
}

function quality(block) {
  let sum = 0;
  for (let i = 0; i < 63; i++) {
    for (let j = 0; j < 64; j++) sum += Math.abs(Math.trunc(f(f(f(block[i * 64 + j] - block[(i + 1) * 64 + j]) * 100) / 255)));
  }
  for (let i = 0; i < 64; i++) {
    for (let j = 0; j < 63; j++) sum += Math.abs(Math.trunc(f(f(f(block[i * 64 + j] - block[i * 64 + j + 1]) * 100) / 255)));
  }
  return Math.min(100, Math.trunc(sum / 90));
}

function coefficients(lumaImage, rows, columns) {
  const block = new Float32Array(64 * 64);
  if (rows === 64 && columns === 64) {
    block.set(lumaImage);
  } else {
    const scratch = new Float32Array(lumaImage.length);
    const alongRows = windowSize(columns);
    const alongColumns = windowSize(rows);
    for (let pass = 0; pass < 2; pass++) {
      for (let i = 0; i < rows; i++) box(lumaImage, scratch, i * columns, columns, 1, alongRows);
      for (let j = 0; j < columns; j++) box(scratch, lumaImage, j, rows, columns, alongColumns);
    }
    for (let i = 0; i < 64; i++) {
      const sourceRow = Math.trunc((i + 0.5) * rows / 64);
      for (let j = 0; j < 64; j++) block[i * 64 + j] = lumaImage[sourceRow * columns + Math.trunc((j + 0.5) * columns / 64)];
    }
  }
  const q = quality(block);
  const t = new Float32Array(16 * 64);
  for (let i = 0; i < 16; i++) {
    for (let j = 0; j < 64; j++) {
      let sum = 0;
      for (let k = 0; k < 64; k++) sum = f(sum + f(DCT[i * 64 + k] * block[k * 64 + j]));
      t[i * 64 + j] = sum;
    }
  }
  const b = new Float32Array(256);
  for (let i = 0; i < 16; i++) {
    for (let j = 0; j < 16; j++) {
      let sum = 0;
      for (let k = 0; k < 64; k++) sum = f(sum + f(t[i * 64 + k] * DCT[j * 64 + k]));
      b[i * 16 + j] = sum;
    }
  }
  return { coefficients: b, quality: q };
}

/** Torben's median: the lower median, without sorting. */
function torben(values) {
  const n = values.length;
  let min = values[0], max = values[0];
  for (const v of values) { if (v < min) min = v; if (v > max) max = v; }
  let guess, maxBelow, minAbove, less, greater, equal;
  for (;;) {
    guess = f(f(min + max) / 2);
    less = greater = equal = 0;
    maxBelow = min;
    minAbove = max;
    for (const v of values) {
      if (v < guess) { less++; if (v > maxBelow) maxBelow = v; }
      else if (v > guess) { greater++; if (v < minAbove) minAbove = v; }
      else equal++;
    }
    if (less <= Math.trunc((n + 1) / 2) && greater <= Math.trunc((n + 1) / 2)) break;
    if (less > greater) max = maxBelow; else min = minAbove;
  }
  const half = Math.trunc((n + 1) / 2);
  return less >= half ? maxBelow : less + equal >= half ? guess : minAbove;
}

/** 64 hex characters: sixteen 16-bit words from the last to the first, as Meta's tools print them. */
function toHex(coefficients) {
  const median = torben(coefficients);
  const words = new Uint16Array(16);
  for (let k = 0; k < 256; k++) if (coefficients[k] > median) words[k >> 4] |= 1 << (k & 15);
  let hex = "";
  for (let w = 15; w >= 0; w--) hex += words[w].toString(16).padStart(4, "0");
  return hex;
}

function transform(a, map) {
  const b = new Float32Array(256);
  for (let i = 0; i < 16; i++) {
    for (let j = 0; j < 16; j++) {
      const [row, column, negate] = map(i, j);
      b[row * 16 + column] = negate ? -a[i * 16 + j] : a[i * 16 + j];
    }
  }
  return toHex(b);
}

/**
 * The eight dihedral hashes and the quality of decoded RGBA pixels. `grey` says the file was a
 * greyscale image, whose grey values the reference uses as luminance directly.
 */
export function hashPixels(pixels, width, height, grey) {
  const [columns, rows] = width > DOWNSAMPLE || height > DOWNSAMPLE ? [DOWNSAMPLE, DOWNSAMPLE] : [width, height];
  if (rows < MIN_DIMENSION || columns < MIN_DIMENSION) return { pdqs: [], quality: 0 };
  const { coefficients: a, quality: q } = coefficients(luma(pixels, width, height, grey, columns, rows), rows, columns);
  // Rotations and flips of the image permute and negate DCT coefficients by parity.
  const pdqs = [
    toHex(a),
    transform(a, (i, j) => [j, i, (j & 1) === 0]),
    transform(a, (i, j) => [i, j, ((i + j) & 1) === 1]),
    transform(a, (i, j) => [j, i, (i & 1) === 0]),
    transform(a, (i, j) => [i, j, (i & 1) === 0]),
    transform(a, (i, j) => [i, j, (j & 1) === 0]),
    transform(a, (i, j) => [j, i, false]),
    transform(a, (i, j) => [j, i, ((i + j) & 1) === 1]),
  ];
  return { pdqs, quality: q };
}

/** Whether the bytes are a PNG whose colour type is greyscale (0) or greyscale with alpha (4). */
function isGreyPng(bytes) {
  const signature = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  return bytes.length > 25 && signature.every((b, i) => bytes[i] === b) && (bytes[25] === 0 || bytes[25] === 4);
}

/** Decodes an image file in the browser (no colour management, as the reference decoders) and hashes it. */
export async function hashFile(file) {
  const bytes = new Uint8Array(await file.arrayBuffer());
  const bitmap = await createImageBitmap(new Blob([bytes], { type: file.type || "application/octet-stream" }), {
    colorSpaceConversion: "none",
    premultiplyAlpha: "none",
  });
  try {
    const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
    const context = canvas.getContext("2d", { willReadFrequently: true });
    context.drawImage(bitmap, 0, 0);
    const { data } = context.getImageData(0, 0, bitmap.width, bitmap.height);
    return { ...hashPixels(data, bitmap.width, bitmap.height, isGreyPng(bytes)), width: bitmap.width, height: bitmap.height };
  } finally {
    bitmap.close();
  }
}
