import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createLogger } from "../log.js";
import type { SourceContext } from "../source.js";
import { SimSource } from "./sim.js";
import { checkSimSettings, type SimSettings } from "./sim/settings.js";
import type { SaleUpload } from "./sim/sales-upload.js";
import { simContext } from "./sim/test-context.js";
import { testSalesImport } from "./sim/test-sales-import.js";

async function salesImport() {
  const imp = await testSalesImport();
  cleanups.push(() => void imp.close());
  return imp;
}
const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

function context(settings: SimSettings, dataDir: string | undefined, lines: string[]): SourceContext<SimSettings> {
  return simContext(settings, { log: createLogger({ level: "info", write: (l) => lines.push(l) }), fail: () => {}, agent: "sim-1", dataDir });
}

const kept = (file: string): SaleUpload[] =>
  readFileSync(file, "utf8")
    .split("\n")
    .filter((l) => l !== "")
    .map((l) => JSON.parse(l) as SaleUpload);

describe("SimSource's tills across a stop", () => {
  it("keeps in the agent's dataDir what the import did not take at a stop, sends it first at the next start, and drops the part the back-fill makes again", async () => {
    const dir = mkdtempSync(join(tmpdir(), "footfall-sim-sales-"));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const imp = await salesImport();
    // Open around the clock (the history is the last 3 hours of the real clock: the default curve's closed night
    // would leave no sale at all when the test runs then, as ci91's 23:00 UTC run did).
    const settings = (more: Record<string, unknown>) =>
      checkSimSettings({ seed: 3, arrivalsPerHour: 300, hourlyCurve: Array(24).fill(1), backfillHours: 3, speed: 60, layoutWaitMs: 0, sales: { url: imp.url, token: "tok", everySeconds: 60 }, ...more }).value;

    // First run: the import is busy; the history's sales wait, and the stop keeps them.
    const lines: string[] = [];
    const first = new SimSource();
    await first.start(context(settings({}), dir, lines));
    await first.stop();
    const file = join(dir, "sim-1.sales.jsonl");
    const left = kept(file);
    expect(left.length).toBeGreaterThan(20);
    expect(lines.some((l) => l.includes("they are kept and sent at the next start"))).toBe(true);

    // Next start: the server holds the events up to the middle of that history, so the back-fill makes
    // the rest again (its own visitors and sales); the import answers now.
    imp.state.busy = false;
    const from = left[Math.floor(left.length / 2)]!.ts;
    const next = new SimSource();
    await next.start(context(settings({ backfillFrom: from }), dir, lines));
    await next.stop();
    // Customers who came in before the back-fill's start were counted: their sales stay, even paid after it.
    const before = left.filter((s) => s.arrived! < from).map((s) => s.transaction);
    const remade = left.filter((s) => s.arrived! >= from).map((s) => s.transaction);
    expect(left.filter((s) => s.arrived! < from && s.ts >= from).length).toBeGreaterThan(0);
    expect(remade.length).toBeGreaterThan(0);
    expect(before.filter((t) => !imp.stored.has(t))).toEqual([]);
    expect(remade.filter((t) => imp.stored.has(t))).toEqual([]);
    expect([...imp.stored.values()].every((n) => n === 1)).toBe(true);
    expect(imp.stored.size).toBeGreaterThan(before.length);
    expect(lines.some((l) => /dropped=\d+/.test(l) && l.includes("the back-fill makes again"))).toBe(true);
    expect(kept(file)).toEqual([]);
  });

  it("without a dataDir or sales.stateFile says at start that a stop loses what the import has not taken", async () => {
    const lines: string[] = [];
    const sim = new SimSource();
    await sim.start(context(checkSimSettings({ seed: 3, layoutWaitMs: 0, sales: { url: "http://127.0.0.1:9/x", token: "tok" } }).value, undefined, lines));
    await sim.stop();
    expect(lines.some((l) => l.includes("no dataDir or settings.sales.stateFile"))).toBe(true);
  });
});
