/**
 * Reads a rendered invite QR code back, as a phone's camera would: the SVG's unit squares are
 * painted into an RGBA bitmap (PX pixels a module) and handed to jsqr, an independent decoder.
 */
import jsQR from 'jsqr';

const PX = 6;

/** The dark modules an SVG path draws (`M{x} {y}h1v1h-1z` each) in a viewBox `0 0 size size`, as a size × size matrix. */
export function modulesFromSvg(viewBox: string, d: string): boolean[][] {
  const size = Number(viewBox.split(' ')[2]);
  const matrix = Array.from({ length: size }, () => Array<boolean>(size).fill(false));
  for (const m of d.matchAll(/M(\d+) (\d+)h1v1h-1z/g)) matrix[Number(m[2])]![Number(m[1])] = true;
  return matrix;
}

/** The dark modules of a rendered InviteQr. */
export function modulesOf(svg: Element): boolean[][] {
  return modulesFromSvg(svg.getAttribute('viewBox')!, svg.querySelector('path')!.getAttribute('d') ?? '');
}

/** What a decoder reads off the matrix, or null when it reads nothing. */
export function readQr(matrix: boolean[][]): string | null {
  const size = matrix.length * PX;
  const rgba = new Uint8ClampedArray(size * size * 4).fill(255);
  matrix.forEach((row, y) =>
    row.forEach((dark, x) => {
      if (!dark) return;
      for (let dy = 0; dy < PX; dy++) {
        for (let dx = 0; dx < PX; dx++) {
          const i = ((y * PX + dy) * size + x * PX + dx) * 4;
          rgba[i] = rgba[i + 1] = rgba[i + 2] = 0;
        }
      }
    }),
  );
  return jsQR(rgba, size, size)?.data ?? null;
}
