/**
 * The audit clip store with a real ffmpeg and the audit page over real HTTP: clips are kept on this
 * machine, deleted on schedule or once audited, and nothing of them is served without the token.
 */
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { requireTool } from "../../../test/support/tools.js";
import { silentLogger } from "../log.js";
import { ClipStore, type ClipFrame } from "./clips.js";
import { AuditServer } from "./server.js";

const TOKEN = "audit-token-0123456789abcdef";
const HOUR = 3_600_000;

/** A 64x48 frame of one grey level. */
const frame = (level: number): ClipFrame => ({ width: 64, height: 48, data: new Uint8Array(64 * 48 * 3).fill(level) });

let dir: string;
let now = 1_800_000_000_000;
let ffmpeg: string;
beforeAll(() => {
  ffmpeg = requireTool("ffmpeg");
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function store(keepMs = 24 * HOUR): ClipStore {
  dir = mkdtempSync(join(tmpdir(), "footfall-audit-"));
  return new ClipStore({ dir: join(dir, "audits"), ffmpeg, keepMs, log: silentLogger, now: () => now });
}

/** Record `n` frames with crossings on frames 3 (in) and 7 (out). */
async function recorded(clips: ClipStore, n = 12) {
  const started = clips.start(n / 10, 10);
  if (!started.ok) throw new Error(started.error);
  for (let k = 0; k < n; k++)
    clips.addFrame(frame(k * 10), now + k * 100, k === 3 ? ["in"] : k === 7 ? ["out"] : [], k === 5 ? [{ type: "enter", zone: "door" }] : []);
  return started.done;
}

describe("ClipStore", () => {
  it("writes a clip's frames as JPEG files with the crossings and zone events of each frame", async () => {
    const clips = store();
    const m = await recorded(clips);
    expect(m).toMatchObject({ state: "ready", frames: 12, dropped: 0, width: 64, height: 48, fps: 10 });
    expect(m.crossings).toEqual([
      { frame: 3, dir: "in" },
      { frame: 7, dir: "out" },
    ]);
    expect(m.events).toEqual([{ frame: 5, type: "enter", zone: "door" }]);
    const file = clips.framePath(m.id, 11)!;
    expect(readFileSync(file).subarray(0, 3)).toEqual(Buffer.from([0xff, 0xd8, 0xff]));
    expect(clips.framePath(m.id, 12)).toBeNull();
    expect(clips.list().map((c) => c.id)).toEqual([m.id]);
  });

  it("deletes a clip not audited once it is keepMs old, and keeps younger ones", async () => {
    const clips = store(24 * HOUR);
    const old = await recorded(clips);
    now += 20 * HOUR;
    const young = await recorded(clips);
    now += 4 * HOUR;
    expect(clips.sweep()).toBe(1);
    expect(existsSync(join(clips.dir, old.id))).toBe(false);
    expect(clips.list().map((c) => c.id)).toEqual([young.id]);
    now += 20 * HOUR;
    expect(clips.sweep()).toBe(1);
    expect(readdirSync(clips.dir)).toEqual([]);
  });

  it("records one clip at a time, and marks a clip that got no frame as failed", async () => {
    const clips = store();
    const a = clips.start(5, 10);
    expect(clips.start(5, 10)).toEqual({ ok: false, error: expect.stringMatching(/being recorded/) });
    const m = await clips.finish();
    expect(a.ok && m).toMatchObject({ state: "failed", error: "no frame came while recording" });
  });
});

describe("the audit page", () => {
  let server: AuditServer | null = null;
  afterEach(async () => {
    await server?.stop();
    server = null;
  });

  async function start(clips: ClipStore) {
    server = new AuditServer({
      host: "127.0.0.1",
      port: 0,
      token: TOKEN,
      agent: "cam-1",
      clips,
      maxSeconds: 600,
      record: (s) => clips.start(s, 10),
      log: silentLogger,
      now: () => now,
    });
    await server.start();
    const base = `http://127.0.0.1:${server.port}`;
    const get = (path: string, headers: Record<string, string> = {}) => fetch(base + path, { headers, redirect: "manual" });
    const post = (path: string, body: unknown, headers: Record<string, string> = { authorization: `Bearer ${TOKEN}` }) =>
      fetch(base + path, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) });
    return { base, get, post };
  }

  it("refuses an unauthenticated client everything: the page, the clip list, a clip, its frames, recording and results", async () => {
    const clips = store();
    const m = await recorded(clips);
    const { get, post } = await start(clips);
    const wrong = { authorization: "Bearer not-the-token-at-all-xx" };
    const attempts = [
      get("/"),
      get("/api/clips"),
      get(`/api/clips/${m.id}`),
      get(`/api/clips/${m.id}/frames/0`),
      get(`/api/clips/${m.id}/frames/0`, wrong),
      get(`/api/clips/${m.id}/frames/0`, { cookie: "footfall_audit=guess-guess-guess-guess" }),
      get(`/api/clips/${m.id}/frames/0?token=${TOKEN}`), // the token in the address only opens the page
      post("/api/clips", { seconds: 10 }, {}),
      post(`/api/clips/${m.id}/result`, { auditor: "x", hand: { in: 1, out: 1 } }, wrong),
    ];
    for (const res of await Promise.all(attempts)) {
      expect(res.status).toBe(401);
      const body = Buffer.from(await res.arrayBuffer());
      expect(body.subarray(0, 3)).not.toEqual(Buffer.from([0xff, 0xd8, 0xff]));
      expect(body.toString()).not.toContain(m.id);
    }
    expect(clips.active).toBeNull();
    expect(clips.get(m.id)?.state).toBe("ready");
  });

  it("trades the token in the address for a cookie that then opens the page and the frames", async () => {
    const clips = store();
    const m = await recorded(clips);
    const { get } = await start(clips);
    const first = await get(`/?token=${TOKEN}`);
    expect(first.status).toBe(303);
    expect(first.headers.get("location")).toBe("/");
    const cookie = first.headers.get("set-cookie")!;
    expect(cookie).toMatch(/HttpOnly; SameSite=Strict/);
    const page = await get("/", { cookie: cookie.split(";")[0]! });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("Submit the audit");
    const img = await get(`/api/clips/${m.id}/frames/4`, { cookie: cookie.split(";")[0]! });
    expect(img.headers.get("content-type")).toBe("image/jpeg");
  });

  it("stores the audit's figures (no image) and deletes the clip; a bad count gets a 400 that says why", async () => {
    const clips = store();
    const m = await recorded(clips);
    const { post } = await start(clips);
    const bad = await post(`/api/clips/${m.id}/result`, { auditor: "Ana", hand: { in: "two", out: 1 } });
    expect(bad.status).toBe(400);
    expect((await bad.json()) as unknown).toEqual({ error: expect.stringMatching(/^hand: /) });
    const res = await post(`/api/clips/${m.id}/result`, { auditor: "Ana", hand: { in: 1, out: 1 }, marks: [{ crossing: 0, right: true }] });
    expect(res.status).toBe(201);
    const result = (await res.json()) as Record<string, unknown>;
    expect(result).toMatchObject({
      agent: "cam-1",
      auditor: "Ana",
      hand: { in: 1, out: 1 },
      system: { in: 1, out: 1 },
      accuracy: { in: 1, out: 1 },
      certified: true,
      precision: 1,
    });
    expect(existsSync(join(clips.dir, m.id))).toBe(false);
    const stored = readFileSync(server!.resultsFile, "utf8");
    expect(JSON.parse(stored.trim())).toEqual(result);
    expect(stored.length).toBeLessThan(1000);
  });

  it("records a clip on request, one at a time, within the longest allowed", async () => {
    const clips = store();
    const { post } = await start(clips);
    expect((await post("/api/clips", { seconds: 6000 })).status).toBe(400);
    const ok = await post("/api/clips", { seconds: 10 });
    expect(ok.status).toBe(202);
    expect(clips.active?.id).toBe(((await ok.json()) as { id: string }).id);
    expect((await post("/api/clips", { seconds: 10 })).status).toBe(409);
    await clips.finish();
  });
});
