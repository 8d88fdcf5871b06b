/**
 * A constant-velocity Kalman filter for a box `[cx, cy, w, h]`, pure and immutable. With a
 * diagonal process and measurement noise the 8-state filter splits exactly into four independent
 * 1-D filters (position, velocity), each with a 2x2 covariance, which is what this stores.
 * Noise scales with the box height, as in ByteTrack (σ_pos = h/20, σ_vel = h/160 per frame).
 */

/** One axis: position `p`, velocity `v` (per frame), covariance `[[a, b], [b, c]]`. */
export interface Axis {
  readonly p: number;
  readonly v: number;
  readonly a: number;
  readonly b: number;
  readonly c: number;
}
/** Box centre x, centre y, width, height. */
export type BoxState = readonly [Axis, Axis, Axis, Axis];
export type Measurement = readonly [cx: number, cy: number, w: number, h: number];

export const STD_POSITION = 1 / 20;
export const STD_VELOCITY = 1 / 160;

export function initState(z: Measurement): BoxState {
  const h = Math.max(1, z[3]);
  const sp = 2 * STD_POSITION * h;
  const sv = 10 * STD_VELOCITY * h;
  return [axis(z[0], sp, sv), axis(z[1], sp, sv), axis(z[2], sp, sv), axis(z[3], sp, sv)];
}
function axis(p: number, sp: number, sv: number): Axis {
  return { p, v: 0, a: sp * sp, b: 0, c: sv * sv };
}

/** Predict `dt` frames ahead (dt may be fractional; 0 returns the state unchanged). */
export function predict(s: BoxState, dt = 1): BoxState {
  if (dt <= 0) return s;
  const h = Math.max(1, s[3].p);
  const qp = (STD_POSITION * h) ** 2 * dt;
  const qv = (STD_VELOCITY * h) ** 2 * dt;
  const one = (x: Axis): Axis => ({
    p: x.p + x.v * dt,
    v: x.v,
    a: x.a + 2 * dt * x.b + dt * dt * x.c + qp,
    b: x.b + dt * x.c,
    c: x.c + qv,
  });
  const next: BoxState = [one(s[0]), one(s[1]), one(s[2]), one(s[3])];
  // Width and height never go negative, whatever the velocity says.
  return next[2].p < 1 || next[3].p < 1
    ? [next[0], next[1], { ...next[2], p: Math.max(1, next[2].p), v: 0 }, { ...next[3], p: Math.max(1, next[3].p), v: 0 }]
    : next;
}

/** Fold in a measurement. */
export function update(s: BoxState, z: Measurement): BoxState {
  const h = Math.max(1, s[3].p);
  const r = (STD_POSITION * h) ** 2;
  const one = (x: Axis, m: number): Axis => {
    const S = x.a + r;
    const k0 = x.a / S;
    const k1 = x.b / S;
    const y = m - x.p;
    return { p: x.p + k0 * y, v: x.v + k1 * y, a: (1 - k0) * x.a, b: (1 - k0) * x.b, c: x.c - k1 * x.b };
  };
  return [one(s[0], z[0]), one(s[1], z[1]), one(s[2], z[2]), one(s[3], z[3])];
}

export function toBox(s: BoxState): [number, number, number, number] {
  const [cx, cy, w, h] = [s[0].p, s[1].p, s[2].p, s[3].p];
  return [cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2];
}
export function fromBox(b: readonly [number, number, number, number]): Measurement {
  return [(b[0] + b[2]) / 2, (b[1] + b[3]) / 2, b[2] - b[0], b[3] - b[1]];
}
