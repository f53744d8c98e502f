/**
 * Base64 images for the Laurentienne ImageSelection case. The seed only shows
 * placeholders ("base64ImageString1"); these are real 1×1 GIFs of distinct colours,
 * built without any Node-only API so the simulator also runs under msw in a browser.
 */
const COLOURS: ReadonlyArray<readonly [number, number, number]> = [
  [230, 25, 75], [60, 180, 75], [255, 225, 25], [0, 130, 200],
  [245, 130, 48], [145, 30, 180], [70, 240, 240], [240, 50, 230],
  [210, 245, 60], [250, 190, 212], [0, 128, 128], [220, 190, 255],
  [170, 110, 40], [255, 250, 200], [128, 0, 0], [0, 0, 128],
];

/** A 1×1 GIF whose only pixel is the given colour (palette index 0). */
function gif([r, g, b]: readonly [number, number, number]): string {
  const bytes = [
    0x47, 0x49, 0x46, 0x38, 0x39, 0x61, // GIF89a
    1, 0, 1, 0, 0x80, 0, 0, // 1×1, global colour table of 2 entries
    r, g, b, 0, 0, 0, // the palette
    0x2c, 0, 0, 0, 0, 1, 0, 1, 0, 0, // image descriptor
    2, 2, 0x44, 1, 0, // LZW data: one pixel of index 0
    0x3b, // trailer
  ];
  return btoa(String.fromCharCode(...bytes));
}

/** The 16 images Laurentienne shows ("a list of 16 different images"). */
export const LAURENTIENNE_IMAGES: readonly string[] = COLOURS.map(gif);
