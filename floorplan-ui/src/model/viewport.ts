/**
 * The one transform between the floor (metres) and the screen (CSS pixels), applied at the Konva
 * Stage: `screen = floor * scale + (x, y)`. Shapes stay in metres; nothing else converts.
 */
export interface Viewport {
  /** Pixels per metre. */
  scale: number;
  x: number;
  y: number;
}
export interface Size {
  width: number;
  height: number;
}
type Pt = readonly [number, number];

/** How far one may zoom, as multiples of the fitted scale. */
export const ZOOM_LIMITS = { min: 0.5, max: 12 } as const;

/** The floor centred in the stage with `padding` pixels around it. */
export function fitViewport(floor: Size, stage: Size, padding = 24): Viewport {
  const w = Math.max(1, stage.width - 2 * padding);
  const h = Math.max(1, stage.height - 2 * padding);
  const scale = Math.max(1e-6, Math.min(w / Math.max(floor.width, 1e-6), h / Math.max(floor.height, 1e-6)));
  return { scale, x: (stage.width - floor.width * scale) / 2, y: (stage.height - floor.height * scale) / 2 };
}

export function toScreen(v: Viewport, [x, y]: Pt): [number, number] {
  return [x * v.scale + v.x, y * v.scale + v.y];
}

export function toFloor(v: Viewport, [sx, sy]: Pt): [number, number] {
  return [(sx - v.x) / v.scale, (sy - v.y) / v.scale];
}

export function panBy(v: Viewport, dx: number, dy: number): Viewport {
  return { ...v, x: v.x + dx, y: v.y + dy };
}

/**
 * Zoom by `factor` keeping the floor point under `screenPoint` where it is, within
 * [min, max] x `fitScale`.
 */
export function zoomAt(v: Viewport, screenPoint: Pt, factor: number, fitScale: number): Viewport {
  const scale = clamp(v.scale * factor, fitScale * ZOOM_LIMITS.min, fitScale * ZOOM_LIMITS.max);
  const [fx, fy] = toFloor(v, screenPoint);
  return { scale, x: screenPoint[0] - fx * scale, y: screenPoint[1] - fy * scale };
}

/** Wheel delta (pixels, as browsers report it) to a zoom factor: smooth on trackpads, ~1.2x per mouse notch. */
export function wheelFactor(deltaY: number): number {
  return Math.exp(-clamp(deltaY, -300, 300) / 500);
}

function clamp(x: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, x));
}
