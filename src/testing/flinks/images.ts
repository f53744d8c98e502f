/**
 * Base64 images for the Laurentienne ImageSelection case. The seed only shows placeholders
 * ("base64ImageString1"); these are real 40×40 GIFs, each a distinct picture, about 2.7 KB
 * of base64 each — the size of the small pictures banks show, so that a checkpoint at the
 * image step is measured with realistic data. Built without any Node-only API so the
 * simulator also runs under msw in a browser.
 */
const SIZE = 40;
// 128 colours: LZW minimum code size 7, codes of 8 bits.
const MIN_CODE_SIZE = 7;
const CLEAR = 1 << MIN_CODE_SIZE;
const END = CLEAR + 1;
// Literal codes between clears, so that the code width never grows (the uncompressed LZW form).
const RUN = (1 << (MIN_CODE_SIZE + 1)) - CLEAR - 2;

/** A 128-colour palette: a hue wheel at two levels of brightness, then greys. */
function palette(): number[] {
  const bytes: number[] = [];
  for (let i = 0; i < 128; i++) {
    if (i >= 96) {
      const grey = Math.round(((i - 96) / 31) * 255);
      bytes.push(grey, grey, grey);
      continue;
    }
    const hue = ((i % 48) / 48) * 6;
    const light = i < 48 ? 1 : 0.55;
    const x = 1 - Math.abs((hue % 2) - 1);
    const [r, g, b] = hue < 1 ? [1, x, 0] : hue < 2 ? [x, 1, 0] : hue < 3 ? [0, 1, x] : hue < 4 ? [0, x, 1] : hue < 5 ? [x, 0, 1] : [1, 0, x];
    bytes.push(Math.round(r * 255 * light), Math.round(g * 255 * light), Math.round(b * 255 * light));
  }
  return bytes;
}

/** Picture `n`: concentric rings, stripes and a disc whose colours and proportions depend on n. */
function pixels(n: number): number[] {
  const out: number[] = [];
  const base = (n * 7) % 48;
  for (let y = 0; y < SIZE; y++) {
    for (let x = 0; x < SIZE; x++) {
      const dx = x - SIZE / 2 + 0.5;
      const dy = y - SIZE / 2 + 0.5;
      const r = Math.sqrt(dx * dx + dy * dy);
      if (r < 6 + (n % 4) * 2) out.push(96 + ((n * 5) % 32));
      else if (r < 17) out.push((base + Math.floor(r / (2 + (n % 3)))) % 48);
      else out.push(48 + ((base + Math.floor((x + y * (n % 2 === 0 ? 1 : -1) + 80) / 5)) % 48));
    }
  }
  return out;
}

/** Packs codes LSB first, as GIF's LZW stream wants them. */
function packCodes(codes: number[], width: number): number[] {
  const bytes: number[] = [];
  let acc = 0;
  let bits = 0;
  for (const code of codes) {
    acc |= code << bits;
    bits += width;
    while (bits >= 8) {
      bytes.push(acc & 0xff);
      acc >>>= 8;
      bits -= 8;
    }
  }
  if (bits > 0) bytes.push(acc & 0xff);
  return bytes;
}

function gif(n: number): string {
  const codes: number[] = [];
  const data = pixels(n);
  for (let i = 0; i < data.length; i += RUN) codes.push(CLEAR, ...data.slice(i, i + RUN));
  codes.push(END);
  const lzw = packCodes(codes, MIN_CODE_SIZE + 1);
  const blocks: number[] = [];
  for (let i = 0; i < lzw.length; i += 255) {
    const chunk = lzw.slice(i, i + 255);
    blocks.push(chunk.length, ...chunk);
  }
  const bytes = [
    0x47, 0x49, 0x46, 0x38, 0x39, 0x61, // GIF89a
    SIZE, 0, SIZE, 0, 0xe6, 0, 0, // logical screen: global colour table of 128 entries
    ...palette(),
    0x2c, 0, 0, 0, 0, SIZE, 0, SIZE, 0, 0, // image descriptor
    MIN_CODE_SIZE,
    ...blocks,
    0, // block terminator
    0x3b, // trailer
  ];
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

/** The 16 images Laurentienne shows ("a list of 16 different images"). */
export const LAURENTIENNE_IMAGES: readonly string[] = Array.from({ length: 16 }, (_, n) => gif(n));
