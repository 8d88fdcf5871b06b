/**
 * A one-dimensional Kalman filter for RSSI (a random walk observed through noise), pure.
 * `q`: how fast the true RSSI may drift, in dB² per second (a walking person: a few dB²/s);
 * `r`: the variance of one reading in dB² (the shadowing: sigma 6 dB gives 36).
 */
export interface KalmanState {
  /** The estimate (dBm). */
  x: number;
  /** Its variance (dB²). */
  p: number;
  /** Time of the last update (ms). */
  ts: number;
}

export interface KalmanParams {
  q: number;
  r: number;
}

/** The state after one reading `z` at `ts` (the first reading starts the filter). */
export function kalmanStep(state: KalmanState | null, z: number, ts: number, k: KalmanParams): KalmanState {
  if (state === null) return { x: z, p: k.r, ts };
  const dt = Math.max(0, ts - state.ts) / 1000;
  const p = state.p + k.q * dt;
  const gain = p / (p + k.r);
  return { x: state.x + gain * (z - state.x), p: (1 - gain) * p, ts: Math.max(ts, state.ts) };
}
