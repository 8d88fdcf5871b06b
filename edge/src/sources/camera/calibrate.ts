/**
 * `calibrate`: compute the image-to-floor homography from a camera agent's config
 * (`settings.calibration.points`) and print the reprojection error of every point, in metres.
 *
 *   footfall-edge camera calibrate --config camera.json [--json]
 *   (or node edge/dist/sources/camera/calibrate.js --config camera.json [--json])
 */
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { computeHomography, reprojectionError, type Homography, type PointPair } from "../../vision/homography.js";
import { unreadableConfig } from "../../config.js";

export interface CalibrationReport {
  homography: Homography;
  rmsM: number;
  maxM: number;
  points: { image: readonly [number, number]; floor: readonly [number, number]; errorM: number }[];
}

export function calibrationReport(points: readonly PointPair[]): CalibrationReport {
  const homography = computeHomography(points);
  const err = reprojectionError(homography, points);
  return { homography, rmsM: err.rms, maxM: err.max, points: points.map((p, i) => ({ image: p.image, floor: p.floor, errorM: err.perPoint[i]! })) };
}

/** The points of a config file: `settings.calibration.points`, or `calibration.points` at the top. */
export function pointsOfConfig(config: unknown): PointPair[] {
  const c = config as { settings?: { calibration?: { points?: unknown } }; calibration?: { points?: unknown } };
  const points = c?.settings?.calibration?.points ?? c?.calibration?.points;
  if (!Array.isArray(points)) throw new Error('no settings.calibration.points in the config: add 4+ {"image": [u, v], "floor": [x, y]} pairs');
  return points.map((p: { image?: unknown; floor?: unknown }, i) => {
    const ok = (v: unknown): v is [number, number] => Array.isArray(v) && v.length === 2 && v.every((n) => typeof n === "number" && Number.isFinite(n));
    if (!ok(p?.image) || !ok(p?.floor)) throw new Error(`settings.calibration.points[${i}]: expected {"image": [u, v], "floor": [x, y]} with numbers`);
    return { image: p.image, floor: p.floor };
  });
}

export function formatReport(r: CalibrationReport): string {
  const lines = [`homography (image px -> floor m), row-major:`];
  for (let i = 0; i < 3; i++)
    lines.push(
      "  " +
        r.homography
          .slice(i * 3, i * 3 + 3)
          .map((v) => v.toPrecision(6).padStart(13))
          .join(" "),
    );
  lines.push(`reprojection error: rms ${r.rmsM.toFixed(3)} m, max ${r.maxM.toFixed(3)} m over ${r.points.length} points`);
  r.points.forEach((p, i) => lines.push(`  #${i} image (${p.image.join(", ")}) -> floor (${p.floor.join(", ")}): ${p.errorM.toFixed(3)} m`));
  if (r.maxM > 0.5) lines.push("warning: a point is off by more than 0.5 m: check that pair, or add points spread over the floor");
  return lines.join("\n");
}

/** Where {@link calibrateCommand} writes. */
export interface CalibrateIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

/**
 * `footfall-edge camera calibrate --config FILE [--json]`: the report of the config's points, or
 * what to fix. Exit code 0, or 2 when the config must be fixed (as the agent's own config errors).
 */
export function calibrateCommand(opts: { config: string; json?: boolean | undefined }, io: CalibrateIo): number {
  let text: string;
  try {
    text = readFileSync(opts.config, "utf8");
  } catch (err) {
    io.stderr(`footfall-edge camera calibrate: ${unreadableConfig(opts.config, err)}\n`);
    return 2;
  }
  try {
    const report = calibrationReport(pointsOfConfig(JSON.parse(text)));
    io.stdout((opts.json ? JSON.stringify(report, null, 2) : formatReport(report)) + "\n");
    return 0;
  } catch (err) {
    io.stderr(`footfall-edge camera calibrate: ${opts.config}: ${err instanceof Error ? err.message : String(err)}\n`);
    return 2;
  }
}

export function calibrateMain(argv: string[]): number {
  const { values } = parseArgs({ args: argv, options: { config: { type: "string", short: "c" }, json: { type: "boolean", default: false } } });
  if (!values.config) {
    console.error("usage: calibrate --config <camera agent config.json> [--json]");
    return 2;
  }
  return calibrateCommand({ config: values.config, json: values.json }, { stdout: (t) => void process.stdout.write(t), stderr: (t) => void process.stderr.write(t) });
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = calibrateMain(process.argv.slice(2));
}
