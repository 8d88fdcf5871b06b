/**
 * Occupancy forecasts from forecast arrivals and the dwell distribution ("expected over capacity
 * at 17:00"): the people inside at time t are those who arrived before t and have not left yet,
 *
 *     occupancy(t) = current * R(t - now) + sum over arrivals at s <= t of S(t - s),
 *
 * with S the dwell survival curve (the share of visits still going after a time) and R the
 * residual survival of the people inside now (their visits began earlier: for a steady flow it is
 * the equilibrium residual, R(t) = integral of S from t on / mean dwell). With constant arrivals
 * this tends to Little's law, L = lambda * W. Time runs in steps of `stepMin` minutes; arrivals of
 * an hour are spread evenly over its steps, and within a step evenly too (the trapezoid rule: a
 * step's arrivals count half as if they came at its start and half at its end).
 */

/** P(dwell > k * stepMin minutes) for k = 0, 1, ...; ascending k, non-increasing, 0 at the end. */
export interface DwellCurve {
  stepMin: number;
  survival: number[];
}

/** Longest dwell a curve describes: 12 hours (beyond, the rest of the tail is cut). */
const MAX_DWELL_MIN = 12 * 60;

function checkStep(stepMin: number): void {
  if (!(Number.isInteger(stepMin) && stepMin >= 1 && 60 % stepMin === 0)) throw new RangeError(`stepMin must divide 60 (got ${stepMin})`);
}

/** Exponential dwell with mean `meanMin` minutes (the shape when only the mean is known). */
export function exponentialDwell(meanMin: number, stepMin = 5): DwellCurve {
  checkStep(stepMin);
  if (!(meanMin > 0 && Number.isFinite(meanMin))) throw new RangeError(`mean dwell must be > 0 minutes (got ${meanMin})`);
  const survival: number[] = [];
  for (let k = 0; k * stepMin <= MAX_DWELL_MIN; k++) survival.push(Math.exp((-k * stepMin) / meanMin));
  survival.push(0);
  return { stepMin, survival };
}

/** Standard normal CDF (Abramowitz-Stegun 7.1.26 on erf; error under 1.5e-7). */
function phi(x: number): number {
  const z = Math.abs(x) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * z);
  const erf = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-z * z);
  return x >= 0 ? (1 + erf) / 2 : (1 - erf) / 2;
}

/**
 * Log-normal dwell with the given median and mean (minutes): sigma from mean = median *
 * exp(sigma^2 / 2). Dwell times are right-skewed (a few long visits); a mean at or below the
 * median (no skew to fit) gives the exponential of that mean instead.
 */
export function lognormalDwell(medianMin: number, meanMin: number, stepMin = 5): DwellCurve {
  checkStep(stepMin);
  if (!(medianMin > 0) || !(meanMin > medianMin * 1.0001) || !Number.isFinite(meanMin)) return exponentialDwell(Math.max(meanMin, medianMin), stepMin);
  const sigma = Math.sqrt(2 * Math.log(meanMin / medianMin));
  const mu = Math.log(medianMin);
  const survival = [1];
  for (let k = 1; k * stepMin <= MAX_DWELL_MIN; k++) survival.push(1 - phi((Math.log(k * stepMin) - mu) / sigma));
  survival.push(0);
  return { stepMin, survival };
}

/** The curve's mean dwell in minutes, by the trapezoid rule the forecast uses (S[0] / 2 + S[1] + S[2] + ... steps). */
export function meanDwellMin(curve: DwellCurve): number {
  let s = (curve.survival[0] ?? 0) / 2;
  for (let k = 1; k < curve.survival.length; k++) s += curve.survival[k]!;
  return s * curve.stepMin;
}

/** Share of the people inside now still inside after k steps (equilibrium residual of the curve). */
export function residualSurvival(curve: DwellCurve): number[] {
  const S = curve.survival;
  const tail = new Array<number>(S.length + 1).fill(0);
  for (let k = S.length - 1; k >= 0; k--) tail[k] = tail[k + 1]! + S[k]!;
  const total = tail[1]!;
  return S.map((_, k) => (total > 0 ? tail[k + 1]! / total : 0));
}

/**
 * Expected occupancy for each of the hours of `arrivals` (expected arrivals per hour, the first
 * hour starting now), starting from `current` people inside: the highest expected occupancy at
 * any step boundary within each hour (its start included), so that a rush in mid-hour is not
 * averaged away. Arrivals below 0 or not finite count as 0.
 */
export function occupancyForecast(arrivals: readonly number[], current: number, curve: DwellCurve): number[] {
  checkStep(curve.stepMin);
  const perHour = 60 / curve.stepMin;
  const S = curve.survival;
  const R = residualSurvival(curve);
  const steps = arrivals.length * perHour;
  const rate = new Float64Array(steps);
  arrivals.forEach((a, h) => {
    const r = Number.isFinite(a) && a > 0 ? a / perHour : 0;
    for (let k = 0; k < perHour; k++) rate[h * perHour + k] = r;
  });
  const start = Number.isFinite(current) && current > 0 ? current : 0;
  const at = (m: number): number => {
    // people at the boundary before step m: those inside now, plus arrivals of steps s < m still there
    let x = start * (R[m] ?? 0);
    for (let s = Math.max(0, m - S.length); s < m; s++) x += (rate[s]! * (S[m - s - 1]! + (S[m - s] ?? 0))) / 2;
    return x;
  };
  const out: number[] = [];
  for (let h = 0; h < arrivals.length; h++) {
    let peak = 0;
    for (let m = h * perHour; m <= (h + 1) * perHour; m++) peak = Math.max(peak, at(m));
    out.push(peak);
  }
  return out;
}

/** The first hour (index) whose forecast occupancy exceeds `limit`, within the first `hours`; -1 if none. */
export function firstOver(occupancy: readonly number[], limit: number, hours = occupancy.length): number {
  for (let h = 0; h < Math.min(hours, occupancy.length); h++) if (occupancy[h]! > limit) return h;
  return -1;
}
