/**
 * An installer's audit through the camera source, with a real ffmpeg and a fake detector (a person
 * walking across the counting line over and over): the page records a clip, the clip's crossings
 * are the ones the source counted, every event the source hands the runtime (all that goes over
 * MQTT) stays a small JSON with no image, and the clip is gone once audited.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditCameraSettings, walkingPerson, writeTestClip } from "../../../test/support/audit-clip.js";
import { silentLogger } from "../log.js";
import type { EventDraft, SourceContext } from "../source.js";
import { createCameraSource } from "../sources/camera/camera.js";
import type { CameraSettings } from "../sources/camera/settings.js";
import type { ClipManifest } from "./clips.js";

const TOKEN = "camera-audit-token-0123456789";

async function until<T>(what: string, f: () => Promise<T | false> | T | false, ms = 30_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v !== false) return v;
    if (Date.now() > end) throw new Error(`${what}: not in ${ms} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe("an audit of the camera source", () => {
  let dir: string;
  let video: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "footfall-camera-audit-"));
    video = join(dir, "walk.mp4");
    writeTestClip(video);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("records a clip on request, keeps it on this machine, sends no image in any event, and deletes it once audited", async () => {
    const ac = new AbortController();
    const events: EventDraft[] = [];
    const dataDir = join(dir, "agent");
    const settings = auditCameraSettings(video, { zone: "door", token: TOKEN, reportEveryMs: 100 });
    const ctx: SourceContext<CameraSettings> = {
      settings,
      emit: (e) => events.push(e),
      log: silentLogger,
      signal: ac.signal,
      layout: () => null,
      layoutsExpected: false,
      onLayout: () => () => {},
      agent: "cam-audit",
      dataDir,
      now: () => Date.now(),
      fail: (e) => {
        throw e;
      },
    };
    const source = createCameraSource({ detector: async () => walkingPerson("fake") });
    await source.start(ctx);
    try {
      const base = `http://127.0.0.1:${source.auditPort}`;
      const auth = { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" };
      const started = await fetch(`${base}/api/clips`, { method: "POST", headers: auth, body: JSON.stringify({ seconds: 5 }) });
      expect(started.status).toBe(202);
      const { id } = (await started.json()) as { id: string };
      const manifest = await until("the clip recorded", async () => {
        const m = (await (await fetch(`${base}/api/clips/${id}`, { headers: auth })).json()) as ClipManifest;
        return m.state === "ready" ? m : false;
      });
      expect(manifest).toMatchObject({ frames: 50, width: 160, height: 120 });
      // The walker crosses the line about every 1.5 s: the clip holds the crossings the source counted then.
      expect(manifest.crossings.length).toBeGreaterThanOrEqual(2);
      const counted = events
        .filter((e): e is Extract<EventDraft, { type: "count" }> => e.type === "count")
        .filter((e) => e.ts >= manifest.startedAt && e.ts <= manifest.endedAt!)
        .reduce((s, e) => s + e.in + e.out, 0);
      expect(Math.abs(counted - manifest.crossings.length)).toBeLessThanOrEqual(1);
      // The clip is on this machine only, as JPEG files under dataDir/audits.
      expect(readdirSync(join(dataDir, "audits", id)).filter((f) => f.endsWith(".jpg"))).toHaveLength(50);
      // Everything the source emitted (what the runtime publishes) is a small event without pixels.
      for (const e of events) {
        const json = JSON.stringify(e);
        expect(json.length).toBeLessThan(300);
        expect(Object.keys(e).sort()).toEqual(expect.arrayContaining(["ts", "type"]));
        expect(json).not.toMatch(/jpe?g|base64|frame|data:/i);
      }
      const hand = { in: manifest.crossings.filter((c) => c.dir === "in").length, out: manifest.crossings.filter((c) => c.dir === "out").length };
      const audited = await fetch(`${base}/api/clips/${id}/result`, { method: "POST", headers: auth, body: JSON.stringify({ auditor: "Installer", hand }) });
      expect(audited.status).toBe(201);
      expect(((await audited.json()) as { certified: boolean }).certified).toBe(true);
      expect(existsSync(join(dataDir, "audits", id))).toBe(false);
      expect((await fetch(`${base}/api/clips/${id}/frames/0`, { headers: auth })).status).toBe(404);
    } finally {
      ac.abort();
      await source.stop();
    }
    expect(source.auditPort).toBeNull();
  }, 60_000);
});
