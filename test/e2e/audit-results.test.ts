/**
 * An installer's audit from the camera agent to the API (issue 18), with every MQTT message of it
 * watched: a camera agent (the edge runtime and camera source on a real ffmpeg clip, with a stand-in
 * detector walking a person across the line) records an audit clip on its LAN page, a person's
 * count is submitted there, the agent publishes the result on its `audits` topic through Debian's
 * mosquitto, `footfall serve` stores it once, and GET /stores/:store/audits returns it. A watcher
 * subscribed to `#` sees every message: the audit goes once per delivery, as counts (no image), and
 * no message of the whole run carries a frame.
 */
import { spawnSync } from "node:child_process";
import { appendFileSync, existsSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import type { MqttClient } from "mqtt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeAuditReport, topics } from "@footfall/core";
import { Agent } from "../../edge/src/agent.js";
import { validateConfig } from "../../edge/src/config.js";
import { silentLogger } from "../../edge/src/log.js";
import { createCameraSource } from "../../edge/src/sources/camera/camera.js";
import type { CameraSettings } from "../../edge/src/sources/camera/settings.js";
import type { ClipManifest } from "../../edge/src/audit/clips.js";
import { auditCameraSettings, walkingPerson, writeTestClip } from "../support/audit-clip.js";
import { addAgent, addToken, brokerConfig, connectMqtt, FootfallApi, Mosquitto, requireTool, ServerProcess, smallLayout, tempDir, waitFor } from "../support/index.js";

const STORE = "audit-shop";
const AGENT = "cam-1";
const TOKEN = "installer-audit-token-0123456789";
const dir = tempDir("footfall-audit-e2e-");
const serverUser = { username: "footfall-server", password: randomBytes(12).toString("hex") };
const watcherUser = { username: "watcher", password: randomBytes(12).toString("hex") };
let mosquitto: Mosquitto;
let server: ServerProcess;
let api: FootfallApi;
let watcher: MqttClient;
let agent: Agent<CameraSettings> | null = null;
const seen: { topic: string; payload: Buffer }[] = [];

beforeAll(async () => {
  requireTool("mosquitto_passwd");
  const creds = await addAgent(dir.path, STORE, AGENT, "camera");
  const files = await brokerConfig(dir.path, join(dir.path, "mosquitto"), serverUser);
  // A watcher that may read every topic: the test's eyes on the broker.
  const pw = spawnSync("mosquitto_passwd", ["-b", files.passwd, watcherUser.username, watcherUser.password]);
  expect(pw.status, String(pw.stderr)).toBe(0);
  appendFileSync(files.acl, `\nuser ${watcherUser.username}\ntopic read #\n`);
  mosquitto = await Mosquitto.start({ passwordFile: files.passwd, aclFile: files.acl });
  server = await ServerProcess.start({ dataDir: dir.path, mqttUrl: mosquitto.url, mqttUsername: serverUser.username, mqttPassword: serverUser.password });
  api = new FootfallApi(server.httpUrl, await addToken(dir.path, "admin"));
  await api.putLayout(STORE, smallLayout({ timezone: "UTC" }));
  watcher = await connectMqtt({ url: mosquitto.url, ...watcherUser });
  watcher.on("message", (topic, payload) => seen.push({ topic, payload: Buffer.from(payload) }));
  await watcher.subscribeAsync("#", { qos: 1 });

  const video = join(dir.path, "door.mp4");
  writeTestClip(video);
  const settings = auditCameraSettings(video, { zone: "entrance", token: TOKEN, reportEveryMs: 500 });
  const config = validateConfig(
    { store: STORE, agent: AGENT, dataDir: join(dir.path, "agent"), mqtt: { url: mosquitto.url, username: creds.username, password: creds.password, reconnectMinMs: 100 } },
    "camera",
    {},
    () => ({ value: settings, problems: [] }),
  );
  if (!config.ok) throw new Error(config.problems.join("\n"));
  agent = new Agent({ config: config.config as never, source: createCameraSource({ detector: async () => walkingPerson() }), log: silentLogger });
  agent.start();
}, 90_000);

afterAll(async () => {
  await agent?.stop();
  await watcher?.endAsync(true);
  await server?.dispose();
  await mosquitto?.dispose();
  dir.remove();
});

describe("an audit from the camera agent to the API", () => {
  it("is published once as counts, stored by the server and returned by the API; no message carries an image", async () => {
    const source = (agent as unknown as { opts: { source: { auditPort: number | null } } }).opts.source;
    const port = await waitFor("the audit page", () => source.auditPort ?? false, { timeoutMs: 20_000 });
    const base = `http://127.0.0.1:${port}`;
    const auth = { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" };
    const started = await fetch(`${base}/api/clips`, { method: "POST", headers: auth, body: JSON.stringify({ seconds: 5 }) });
    expect(started.status).toBe(202);
    const { id } = (await started.json()) as { id: string };
    const manifest = await waitFor(
      "the clip recorded",
      async () => {
        const m = (await (await fetch(`${base}/api/clips/${id}`, { headers: auth })).json()) as ClipManifest;
        return m.state === "ready" ? m : false;
      },
      { timeoutMs: 30_000 },
    );
    const sys = { in: manifest.crossings.filter((c) => c.dir === "in").length, out: manifest.crossings.filter((c) => c.dir === "out").length };
    // The person at the door counted one more "in" than the camera did.
    const hand = { in: sys.in + 1, out: sys.out };
    const audited = await fetch(`${base}/api/clips/${id}/result`, { method: "POST", headers: auth, body: JSON.stringify({ auditor: "Installer Ana", hand }) });
    expect(audited.status).toBe(201);
    expect(existsSync(join(dir.path, "agent", "audits", id))).toBe(false);

    // The agent published it on its audits topic ...
    const auditTopic = topics.audits(STORE, AGENT);
    const onTopic = () => seen.filter((m) => m.topic === auditTopic).map((m) => m.payload.toString());
    await waitFor("the audit on MQTT", () => onTopic().length > 0, { timeoutMs: 10_000 });
    const published = onTopic();
    expect(published).toHaveLength(1);
    const report = decodeAuditReport(published[0]!, (b) => new TextDecoder().decode(b));
    expect(report).toEqual({ ok: true, value: { id, method: "clip", auditor: "Installer Ana", from: manifest.startedAt, to: manifest.endedAt, at: expect.any(Number), hand, system: sys } });

    // ... the server stored it, and the API returns it with its figures.
    const body = await waitFor(
      "the audit in the API",
      async () => {
        const b = (await api.request("GET", `/api/v1/stores/${STORE}/audits`)).body as { agents: { agent: string; due: boolean; last: Record<string, unknown> | null }[]; audits: unknown[] };
        return b.audits.length > 0 ? b : false;
      },
      { timeoutMs: 10_000 },
    );
    const accuracyIn = 1 - 1 / hand.in;
    expect(body.audits).toEqual([
      expect.objectContaining({ store: STORE, agent: AGENT, id, method: "clip", auditor: "Installer Ana", hand, system: sys, accuracy: { in: accuracyIn, out: 1 }, certified: accuracyIn >= 0.95 }),
    ]);
    expect(body.agents).toEqual([expect.objectContaining({ agent: AGENT, due: false, last: expect.objectContaining({ id }) })]);
    // Once on the wire: the broker acknowledged it, so the agent did not send it again.
    expect(onTopic()).toHaveLength(1);

    // Every message of the run: small JSON, none with a frame. (Event batches, statuses, receipts, the layout, the audit.)
    const kinds = new Set(seen.map((m) => m.topic.split("/").at(-1)));
    expect([...kinds]).toEqual(expect.arrayContaining(["events", "status", "receipts", "audits", "layout"]));
    for (const m of seen) {
      expect(m.payload.subarray(0, 3).equals(Buffer.from([0xff, 0xd8, 0xff])), m.topic).toBe(false); // no JPEG
      expect(m.payload.toString(), m.topic).not.toMatch(/jpe?g|base64|data:image|frame-\d/i);
      if (m.topic.endsWith("/audits")) expect(m.payload.length).toBeLessThan(600);
    }
    // Nothing of it went over HTTP to the server either: the server's API has no image of it.
    expect(JSON.stringify(body)).not.toMatch(/jpe?g|base64|frame/i);
  }, 90_000);
});
