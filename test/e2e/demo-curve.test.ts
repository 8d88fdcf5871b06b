/**
 * `footfall demo --curve <file>`: the simulator's arrivals follow a weekly curve (the output of
 * test/bench/sim-curve.mjs: the typical week of a real people-count series), handed to the
 * simulator as its weeklyCurve; a bad file is refused before anything starts, saying what is wrong.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { spawnDemo, startDemo, tempDir } from "../support/index.js";

const dir = tempDir("footfall-demo-curve-");
afterAll(() => dir.remove());

/** A street's week: quiet nights, a lunch and an evening peak, busier Saturdays (Monday 00:00 first). */
const curve = Array.from({ length: 168 }, (_, h) => {
  const hour = h % 24;
  const day = Math.floor(h / 24);
  const open = hour >= 8 && hour < 20 ? 0.3 + 0.7 * Math.exp(-(((hour - 13) / 3) ** 2)) : 0.02;
  return Math.round(open * (day === 5 ? 1 : 0.8) * 1000) / 1000;
});


/** A demo with one hour of history, on `data`. */
const demo = (args: string[], data: string) => spawnDemo(["--backfill-hours", "1", ...args], { dataDir: data });

describe("footfall demo --curve", () => {
  it("gives the simulator the file's weekly curve and says so in its banner", async () => {
    const file = join(dir.path, "curve.json");
    writeFileSync(file, JSON.stringify({ weeklyCurve: curve }));
    const { child, banner } = await startDemo(["--backfill-hours", "1", "--curve", file], { dataDir: join(dir.path, "data") });
    try {
      expect(banner).toContain(`arrivals follow the weekly curve of ${file}`);
      const sim = JSON.parse(readFileSync(join(dir.path, "data", "demo-sim.json"), "utf8")) as { settings: { weeklyCurve?: number[] } };
      expect(sim.settings.weeklyCurve).toEqual(curve);
    } finally {
      await child.stop("SIGTERM");
    }
  }, 90_000);

  it("refuses a curve that is not a week, naming the file and what to give", async () => {
    const file = join(dir.path, "day.json");
    writeFileSync(file, JSON.stringify({ weeklyCurve: curve.slice(0, 24) }));
    const child = await demo(["--curve", file], join(dir.path, "data2"));
    const exit = await child.waitExit();
    expect(exit.code).not.toBe(0);
    expect(child.output()).toContain(`--curve ${file}: the weekly curve has 24 hours, not 168`);
  }, 60_000);

  it("refuses a file it cannot read, naming it and how to make one (not a bare ENOENT)", async () => {
    const file = join(dir.path, "curve-not-made.json");
    const child = await demo(["--curve", file], join(dir.path, "data3"));
    const exit = await child.waitExit();
    expect(exit.code).toBe(1);
    expect(child.output()).toContain(`footfall: --curve ${file}: cannot read it (no such file); make one with node test/bench/sim-curve.mjs --dataset leeds --series Briggate > curve.json`);
    expect(child.output()).not.toContain("ENOENT");
  }, 60_000);
});
