/**
 * A seeded synthetic store traffic series for forecaster tests: an opening-hours profile, busier
 * Saturdays and quiet Sundays, a day-to-day level that wanders (AR(1) on the log scale, as weather
 * and local events move a real store's days) and Poisson counts. What a good forecaster can learn
 * and seasonal-naive cannot: the profile under the noise, and the level of the last days.
 */
import { bucketStarts, localTime, mulberry32, type Series } from "@footfall/core";

export interface SyntheticOptions {
  seed: number;
  /** Start (epoch ms) and number of local days. */
  from: number;
  days: number;
  timeZone?: string;
  /** Mean visitors in the busiest hour of an average weekday. */
  peak?: number;
  /** Day-to-day persistence of the level and its noise (log scale). */
  persistence?: number;
  levelNoise?: number;
}

function poisson(lambda: number, rand: () => number): number {
  if (lambda > 40) {
    const u = Math.max(rand(), 1e-12);
    const z = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand());
    return Math.max(0, Math.round(lambda + Math.sqrt(lambda) * z));
  }
  const l = Math.exp(-lambda);
  let k = 0;
  let p = 1;
  do {
    k++;
    p *= rand();
  } while (p > l);
  return k - 1;
}

/** Hourly visitors over `days` local days from `from`, with the daily levels used. */
export function syntheticTraffic(o: SyntheticOptions): Series & { levels: number[] } {
  const tz = o.timeZone ?? "UTC";
  const rand = mulberry32(o.seed);
  const peak = o.peak ?? 60;
  const phi = o.persistence ?? 0.8;
  const sigma = o.levelNoise ?? 0.2;
  const starts = bucketStarts({ from: o.from, to: o.from + o.days * 86_400_000 }, "hour", tz);
  const levels: number[] = [];
  let level = 0;
  let lastDay = "";
  const values = starts.map((ts) => {
    const t = localTime(ts, tz);
    const day = `${t.year}-${t.month}-${t.day}`;
    if (day !== lastDay) {
      const u = Math.max(rand(), 1e-12);
      level = phi * level + sigma * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand());
      levels.push(level);
      lastDay = day;
    }
    const open = t.hour >= 8 && t.hour < 21;
    const shape = open ? Math.exp(-(((t.hour - 15) / 3.5) ** 2)) : 0.02;
    const weekday = t.weekday === 6 ? 1.5 : t.weekday === 7 ? 0.5 : 1;
    return poisson(peak * shape * weekday * Math.exp(level), rand);
  });
  return { grain: "hour", timeZone: tz, starts, values, levels };
}
