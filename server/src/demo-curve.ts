/**
 * `footfall demo --curve <file>`: the simulator's arrivals follow a weekly curve, e.g. the typical
 * week of a real people-count series (`node test/bench/sim-curve.mjs --dataset leeds --series
 * Briggate > curve.json` reads ../shared/datasets in place), scaled to the demo store by its
 * arrivals per hour (the curve's busiest hour = the store's busiest hour).
 */
import { readFileSync } from "node:fs";

/** The curve of the file at `path` ({@link parseCurveFile}), or an Error that names it and says how to make one when it cannot be read. */
export function readCurveFile(path: string): number[] {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === "ENOENT" ? "no such file" : code === "EISDIR" ? "a folder, not a file" : code === "EACCES" ? "not allowed to read it" : (err as Error).message;
    throw new Error(`--curve ${path}: cannot read it (${why}); make one with node test/bench/sim-curve.mjs --dataset leeds --series Briggate > curve.json (run from the checkout)`, { cause: err });
  }
  return parseCurveFile(text, path);
}

/** The 168 hourly multipliers (Monday 00:00 first) of a curve file, or an Error that says what is wrong. */
export function parseCurveFile(text: string, name: string): number[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new Error(`--curve ${name}: not JSON (${(err as Error).message}); give the output of node test/bench/sim-curve.mjs, {"weeklyCurve": [168 numbers]}`, { cause: err });
  }
  const obj = json as { weeklyCurve?: unknown; settings?: { weeklyCurve?: unknown } } | null;
  const curve = Array.isArray(json) ? json : (obj?.weeklyCurve ?? obj?.settings?.weeklyCurve);
  if (!Array.isArray(curve)) throw new Error(`--curve ${name}: no weeklyCurve in it; give {"weeklyCurve": [168 numbers]}, a plain array of 168, or a sim config with settings.weeklyCurve`);
  if (curve.length !== 168) throw new Error(`--curve ${name}: the weekly curve has ${curve.length} hours, not 168 (Monday 00:00 first, one per hour of the week)`);
  const bad = curve.findIndex((v) => typeof v !== "number" || !Number.isFinite(v) || v < 0 || v > 10);
  if (bad >= 0) throw new Error(`--curve ${name}: hour ${bad} is ${JSON.stringify(curve[bad])}; every hour is a multiplier from 0 to 10`);
  if (curve.every((v) => v === 0)) throw new Error(`--curve ${name}: every hour is 0, so nobody would ever arrive`);
  return curve as number[];
}
