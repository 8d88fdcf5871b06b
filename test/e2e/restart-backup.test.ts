/**
 * History without limits (issue 11): a generated store of two million events, its aggregates in
 * storage. A `kill -9` and a restart read nothing they do not need (the server answers at once)
 * and every route gives the same figures as before; a backup taken while the server ingests, then
 * restored into a new data directory, gives the same figures again.
 */
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { topics } from "@footfall/core";
import { addAgent, addToken, batchJson, connectMqtt, EventFactory, FootfallApi, footfall, footfallJson, REPO_ROOT, ServerProcess, tempDir } from "../support/index.js";

const EVENTS = Number(process.env.FOOTFALL_TEST_RESTART_EVENTS ?? 2_000_000);
const STORE = "bench";
const dir = tempDir("footfall-restart-");
const dataDir = join(dir.path, "data");
let gen: { start: number; end: number; events: number };
let server: ServerProcess;
let api: FootfallApi;

/** Every figure a manager sees for the store over a few ranges (whole days, a week, unaligned edges). */
async function figures(a: FootfallApi) {
  const day = 86_400_000;
  const ranges = [
    { from: gen.start, to: gen.end },
    { from: gen.end - 7 * day, to: gen.end },
    { from: gen.end - 3 * day + 17 * 60_000, to: gen.end - day - 5 * 60_000 },
  ];
  const out: unknown[] = [];
  for (const r of ranges) {
    out.push(await a.dwell(STORE, r), await a.paths(STORE, r, 50), await a.traffic(STORE, r, "day"));
    out.push((await a.request("GET", `/api/v1/stores/${STORE}/funnel?from=${r.from}&to=${r.to}&steps=entrance,checkout`)).body);
  }
  out.push(await a.traffic(STORE, ranges[1]!, "hour"));
  const occupancy = await a.occupancy(STORE);
  out.push({ ...occupancy, ts: 0 });
  return out;
}

beforeAll(async () => {
  // Three events a visitor (one visit and a door count): the shape that once ran a server out of memory.
  const out = execFileSync(process.execPath, [join(REPO_ROOT, "test/bench/generate-store.mjs"), dataDir, String(EVENTS), "30", "1", "3"], { encoding: "utf8", timeout: 600_000 });
  gen = JSON.parse(out.trim().split("\n").pop()!) as typeof gen;
  server = await ServerProcess.start({ dataDir, startTimeoutMs: 20_000 });
  api = new FootfallApi(server.httpUrl, await addToken(server.dataDir, "admin"));
}, 900_000);

afterAll(async () => {
  await server?.dispose();
  dir.remove();
});

// Each test reads the figures of two million events twice around a restart or a backup: up to a few
// minutes when other processes load both cores (the config's 20 s is for ordinary tests).
describe("a store of two million events", () => {
  it("answers the same figures after a kill -9 and a restart that rebuilds nothing", async () => {
    expect(gen.events).toBeGreaterThanOrEqual(EVENTS - 3);
    const before = await figures(api);
    const visits = (before[0] as { zones: { visits: number }[] }).zones.reduce((n, z) => n + z.visits, 0);
    expect(visits).toBe(Math.floor(EVENTS / 3));
    await server.kill9();
    const started = performance.now();
    await server.restart(); // waits for /api/v1/health = 200, at most startTimeoutMs
    const readyMs = performance.now() - started;
    process.stderr.write(`restart with ${gen.events.toLocaleString("en-US")} events stored: ready in ${Math.round(readyMs)} ms\n`);
    expect(await figures(api)).toEqual(before);
  }, 180_000);

  it("restores a backup taken while the server ingests, into a new data directory, with the same figures", async () => {
    const creds = await addAgent(server.dataDir, STORE, "cam-backup", "camera");
    const client = await connectMqtt({ url: `mqtt://127.0.0.1:${server.mqttPort}`, username: creds.username, password: creds.password }, { clientId: `${STORE}-cam-backup` });
    const f = new EventFactory("cam-backup");
    let publishing = true;
    let sent = 0;
    const publisher = (async () => {
      while (publishing) {
        // A minute ago, closed 20 s later, but never before the generated history's end: in the
        // first minute after a whole hour, `now - 60 s` lies in the hour before `gen.end` (ci92 at 00:00 UTC).
        const ts = Math.max(Date.now() - 60_000, gen.end);
        const batch = Array.from({ length: 50 }, (_, i) => f.visit(`b${sent + i}`, "entrance", ts, 20_000)).flat();
        await client.publishAsync(topics.events(STORE, "cam-backup"), batchJson("cam-backup", batch), { qos: 1 });
        sent += 50;
      }
    })();
    const file = join(dir.path, "footfall-backup.db");
    const report = await footfallJson<{ file: string; events: number; bytes: number }>(["backup", file], { dataDir, timeoutMs: 300_000 });
    publishing = false;
    await publisher;
    await client.endAsync();
    expect(report.events).toBeGreaterThanOrEqual(gen.events);
    expect(sent).toBeGreaterThan(0);

    // A restore refuses while a server runs on the directory.
    const refused = await footfall(["restore", file], { dataDir });
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/stop it first/);

    // Into a new directory: the backup's own figures are whole (events and aggregates of one snapshot).
    const restoredDir = join(dir.path, "restored");
    const restored = await footfallJson<{ events: number }>(["restore", file], { dataDir: restoredDir });
    expect(restored.events).toBe(report.events);
    const copy = await ServerProcess.start({ dataDir: restoredDir, startTimeoutMs: 20_000 });
    try {
      const copyApi = new FootfallApi(copy.httpUrl, await addToken(restoredDir, "admin"));
      // The generated history (before the backup's extra visits) reads the same on both servers.
      const range = { from: gen.start, to: gen.end };
      expect(await copyApi.dwell(STORE, range)).toEqual(await api.dwell(STORE, range));
      expect(await copyApi.paths(STORE, range, 50)).toEqual(await api.paths(STORE, range, 50));
      expect(await copyApi.traffic(STORE, range, "day")).toEqual(await api.traffic(STORE, range, "day"));
      // The live visits in the backup: as many as its events say, each counted once.
      const live = { from: gen.end, to: Date.now() + 60_000 };
      const liveVisits = (await copyApi.dwell(STORE, live)).zones.reduce((n, z) => n + z.visits, 0);
      expect(liveVisits).toBe((report.events - gen.events) / 2);
    } finally {
      await copy.dispose();
    }
  }, 180_000);
});
