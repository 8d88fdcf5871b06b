import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createLogger, type Logger } from "../../log.js";
import { DoorSource } from "./door.js";
import { readPush } from "./http.js";
import { checkDoorSettings } from "./settings.js";
import { testContext } from "./test-context.js";

const SECRET = "s3cret-s3cret-s3cret";

describe("readPush", () => {
  it("reads counts at dotted paths, from an object or each record of an array", () => {
    expect(readPush({ counts: { entries: 4, exits: "2" } }, { in: "counts.entries", out: "counts.exits", mode: "delta" })).toMatchObject({ ok: true, in: 4, out: 2, records: 1 });
    expect(readPush({ data: [{ i: 1, o: 0 }, { i: 2, o: 5 }] }, { items: "data", in: "i", out: "o", mode: "delta" })).toEqual({
      ok: true,
      in: 3,
      out: 5,
      records: 2,
      each: [
        { sensor: null, in: 1, out: 0 },
        { sensor: null, in: 2, out: 5 },
      ],
    });
    expect(readPush({ data: [{ sn: 7, i: 1, o: 0 }] }, { items: "data", in: "i", out: "o", mode: "total", sensor: "sn" })).toMatchObject({ each: [{ sensor: "7", in: 1, out: 0 }] });
    expect(readPush({ data: [{ i: 1, o: 0 }] }, { items: "data", in: "i", out: "o", mode: "total", sensor: "sn" })).toEqual({
      ok: false,
      error: "data.0.sn: expected the sensor's id (a string of 1-128 characters or a number), got nothing",
    });
  });
  it("names the field that does not fit", () => {
    expect(readPush({ data: [{ i: 1, o: 0 }, { i: -2, o: 5 }] }, { items: "data", in: "i", out: "o", mode: "delta" })).toEqual({ ok: false, error: "data.1.i: expected an integer >= 0, got -2" });
    expect(readPush({ in: 1 }, { in: "in", out: "out", mode: "delta" })).toEqual({ ok: false, error: "out: expected an integer >= 0, got nothing" });
  });
});

describe("the door source's HTTP push endpoint", () => {
  let dir: string;
  let source: DoorSource | null = null;
  afterEach(async () => {
    await source?.stop();
    source = null;
    rmSync(dir, { recursive: true, force: true });
  });

  async function start(http: Record<string, unknown>, log?: Logger, tallyFile?: object) {
    dir = mkdtempSync(join(tmpdir(), "door-http-"));
    if (tallyFile) writeFileSync(join(dir, "test-agent.door.json"), JSON.stringify(tallyFile));
    const settings = checkDoorSettings({ zone: "entrance", input: "http", reportEverySeconds: 3600, http: { host: "127.0.0.1", port: 0, secret: SECRET, ...http } });
    expect(settings.problems).toEqual([]);
    const t = testContext(settings.value, { dataDir: dir, ...(log ? { log } : {}) });
    source = new DoorSource();
    await source.start(t.ctx);
    const url = `http://127.0.0.1:${source.httpPort}/count`;
    const post = (body: unknown, headers: Record<string, string> = { authorization: `Bearer ${SECRET}` }, to = url) =>
      fetch(to, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: typeof body === "string" ? body : JSON.stringify(body) });
    return { ...t, url, post, source };
  }

  it("takes pushed counts with the secret and reports them as one count event", async () => {
    const { post, source: s, emitted } = await start({ mapping: { in: "entries", out: "exits" } });
    expect((await post({ entries: 3, exits: 1 })).status).toBe(204);
    expect((await post({ entries: 2, exits: 0 }, { "x-footfall-secret": SECRET })).status).toBe(204);
    s.report();
    expect(emitted).toEqual([expect.objectContaining({ type: "count", zone: "entrance", in: 5, out: 1 })]);
    s.report();
    expect(emitted).toHaveLength(1);
  });

  it("refuses a wrong or missing secret with 401 and counts nothing", async () => {
    const { post, source: s, emitted } = await start({});
    expect((await post({ in: 3, out: 1 }, { authorization: "Bearer nope" })).status).toBe(401);
    expect((await post({ in: 3, out: 1 }, {})).status).toBe(401);
    s.report();
    expect(emitted).toEqual([]);
  });

  it("answers 400 naming the field, 404 elsewhere, 413 for a huge body", async () => {
    const { post, url } = await start({ maxBodyBytes: 256 });
    const bad = await post({ in: "many", out: 1 });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toMatch(/^in: expected an integer/);
    expect((await post("{not json")).status).toBe(400);
    expect((await post({ in: 1, out: 1 }, { authorization: `Bearer ${SECRET}` }, url.replace("/count", "/other"))).status).toBe(404);
    expect((await post({ in: 1, out: 1, pad: "x".repeat(500) })).status).toBe(413);
  });

  it("answers 400 to a push of more crossings than one report carries, and keeps the counts pushed before it", async () => {
    const { post, source: s, emitted } = await start({ mapping: { in: "entries", out: "exits" } });
    expect((await post({ entries: 3, exits: 1 })).status).toBe(204);
    const refused = await post({ entries: 5_000_000, exits: 0 });
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as { error: string }).error).toMatch(/^a reading of 5000000 in and 0 out would make more than 1,000,000 of a direction in one report .*refused, the other crossings are kept.*http\.mapping/);
    s.report();
    expect(emitted).toEqual([expect.objectContaining({ type: "count", in: 3, out: 1 })]);
  });

  it("compares each record's totals with its own sensor's, so that one sensor restarting counts only its own crossings", async () => {
    // Two sensors in one push, summed before being compared: B's restart (500 -> 0) took the sum
    // down, and the whole new sum (1,003) was counted as crossings instead of A's 3.
    const { post, source: s, emitted } = await start({ mapping: { items: "sensors", mode: "total", in: "in", out: "out" } });
    expect((await post({ sensors: [{ in: 1000, out: 990 }, { in: 500, out: 480 }] })).status).toBe(204);
    expect((await post({ sensors: [{ in: 1003, out: 991 }, { in: 0, out: 0 }] })).status).toBe(204);
    expect((await post({ sensors: [{ in: 1004, out: 991 }, { in: 2, out: 1 }] })).status).toBe(204);
    s.report();
    expect(emitted).toEqual([expect.objectContaining({ in: 3 + 1 + 2, out: 1 + 1 })]);
  });

  it("keeps each sensor's totals apart by its id, sensors posting apart or missing a push", async () => {
    // Two sensors posting their own totals to the one endpoint: compared with one baseline, each
    // post of the other looked like a restart or a jump of a whole lifetime total.
    const { post, source: s, emitted } = await start({ mapping: { mode: "total", in: "in", out: "out", sensor: "serial" } });
    for (const body of [
      { serial: "A-1", in: 1000, out: 990 },
      { serial: "B-2", in: 50, out: 40 },
      { serial: "A-1", in: 1005, out: 992 },
      { serial: "B-2", in: 51, out: 40 },
      { serial: "A-1", in: 1006, out: 995 },
    ])
      expect((await post(body)).status).toBe(204);
    s.report();
    expect(emitted).toEqual([expect.objectContaining({ in: 5 + 1 + 1, out: 2 + 3 })]);
  });

  it("says refused pushes in the log the first five times, then every hundredth, counting them", async () => {
    const logged: string[] = [];
    const { post } = await start({}, createLogger({ level: "info", write: (l) => logged.push(l) }));
    for (let i = 0; i < 7; i++) expect((await post({ in: 1, out: 0 }, { authorization: "Bearer an-old-secret" })).status).toBe(401);
    expect((await post({ in: -1, out: 0 })).status).toBe(400);
    const warns = logged.filter((l) => / WARN /.test(l));
    expect(warns).toHaveLength(5);
    expect(warns[0]).toMatch(/push refused: wrong or missing secret \(the sensor's secret must be http\.secret\) from=\S+ refused=1$/);
    for (let i = 8; i < 100; i++) await post({ in: -1, out: 0 });
    expect(logged.filter((l) => / WARN /.test(l))).toHaveLength(6);
    expect(logged.at(-1)).toMatch(/push refused: in: expected an integer >= 0, got -1 from=\S+ refused=100$/);
  });

  it("counts what it refuses for the agent's status: refused pushes, and readings past a report's bound", async () => {
    const { post, rejects, read, emitted, source: s } = await start({ mapping: { in: "in", out: "out", mode: "delta" } });
    expect((await post({ in: 1, out: 0 }, { authorization: "Bearer wrong-secret-wrong" })).status).toBe(401);
    expect((await post("{not json")).status).toBe(400);
    expect((await post({ in: -1, out: 0 })).status).toBe(400);
    expect((await post({ in: 1_000_001, out: 0 })).status).toBe(400);
    expect((await post({ in: 2, out: 1 })).status).toBe(204);
    expect(rejects).toEqual({ refused_push: 3, over_limit: 1 });
    // Every push that reached the endpoint was read: the share refused is what the server watches.
    expect(read.n).toBe(5);
    s.report();
    expect(emitted).toEqual([expect.objectContaining({ in: 2, out: 1 })]);
  });

  it("says once that it cannot write its tally, goes on counting, and says when it writes again", async () => {
    const logged: string[] = [];
    const { post, source: s, emitted } = await start({ mapping: { in: "entries", out: "exits" } }, createLogger({ level: "info", write: (l) => logged.push(l) }));
    // The tally's temporary file cannot be made (a directory stands in its place), as on a full disk:
    // every crossing used to log its own error line.
    mkdirSync(join(dir, "test-agent.door.json.tmp"));
    for (let i = 0; i < 5; i++) expect((await post({ entries: 1, exits: 0 })).status).toBe(204);
    expect(logged.filter((l) => / ERROR /.test(l))).toEqual([
      expect.stringMatching(/cannot write the door tally: counting goes on, but crossings not yet reported are lost if the agent restarts\. Free space .* file=\S+test-agent\.door\.json failedWrites=1 error=.*EISDIR/),
    ]);
    rmSync(join(dir, "test-agent.door.json.tmp"), { recursive: true });
    expect((await post({ entries: 1, exits: 0 })).status).toBe(204);
    expect(logged.at(-1)).toMatch(/INFO .*the door tally is written again file=\S+ failedWrites=5$/);
    s.report();
    expect(emitted).toEqual([expect.objectContaining({ in: 6, out: 0 })]);
  });

  it("turns cumulative totals into increases, the first push being the baseline", async () => {
    const { post, source: s, emitted } = await start({ mapping: { mode: "total", in: "totals.in", out: "totals.out" } });
    await post({ totals: { in: 1000, out: 990 } });
    await post({ totals: { in: 1004, out: 991 } });
    s.report();
    expect(emitted).toEqual([expect.objectContaining({ in: 4, out: 1 })]);
  });

  it("counts the crossings since the last push of an agent that summed pushed totals, after the upgrade to per-sensor baselines", async () => {
    // The tally file of an agent from before per-sensor baselines: the push's records summed
    // (sensors A 1000/990 and B 500/480) and no sensors. The first push read by this agent was each
    // sensor's new baseline, and the crossings since that agent's last push were lost.
    const summed = { pendingIn: 0, pendingOut: 0, totalIn: 1500, totalOut: 1470, resets: 0, refused: 0 };
    const { post, source: s, emitted } = await start({ mapping: { items: "sensors", mode: "total", in: "in", out: "out", sensor: "sn" } }, undefined, summed);
    expect((await post({ sensors: [{ sn: "A", in: 1003, out: 991 }, { sn: "B", in: 502, out: 480 }] })).status).toBe(204);
    s.report();
    expect(emitted).toEqual([expect.objectContaining({ in: 3 + 2, out: 1 })]);
    // From then on each sensor is compared with its own: B restarting counts only its own 1.
    expect((await post({ sensors: [{ sn: "A", in: 1004, out: 992 }, { sn: "B", in: 1, out: 0 }] })).status).toBe(204);
    s.report();
    expect(emitted.at(-1)).toEqual(expect.objectContaining({ in: 1 + 1, out: 1 }));
  });
});
