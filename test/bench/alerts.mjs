#!/usr/bin/env node
// `npm run bench:alerts` (issue 14.4): how fast a firing occupancy rule reaches a connected tablet
// (Socket.IO) and a local webhook receiver. The built server (`footfall serve`, embedded broker),
// a camera agent over MQTT, a zone rule "fruit over 50 % of its capacity (5), at once, no cool-down",
// a tablet client with a staff token joined to the store, a webhook to a node:http receiver on this
// machine that verifies the signature. Each round: the agent publishes the 3 enters that take the
// zone over the threshold (t0, just before the publish); the round ends when the tablet's `alerts`
// shows the rule firing and the receiver has taken the alert.firing delivery; then the exits
// resolve it. Prints p50/p95/max of both latencies; asserts nothing.
// Env: ALERT_ROUNDS (40).
import "./help.mjs"; // --help: this file's leading comment
import { execFileSync, spawn } from "node:child_process";
import { createHmac, timingSafeEqual } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import { createServer as netServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import mqtt from "mqtt";
import { io } from "socket.io-client";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..", "..");
const cli = join(root, "server", "dist", "cli.js");
const ROUNDS = Number(process.env.ALERT_ROUNDS ?? 40);
const STORE = "bench";
const log = (s) => process.stderr.write(s + "\n");
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const freePort = () => new Promise((resolve) => { const s = netServer(); s.listen(0, "127.0.0.1", () => { const p = s.address().port; s.close(() => resolve(p)); }); });
const pct = (xs, q) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)]; };
async function waitFor(what, probe, ms = 10_000) {
  const end = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}

const dataDir = mkdtempSync(join(tmpdir(), "footfall-bench-alerts-"));
const http = await freePort();
const mqttPort = await freePort();
const env = { ...process.env, FOOTFALL_DATA_DIR: dataDir, FOOTFALL_HTTP_PORT: String(http), FOOTFALL_MQTT_PORT: String(mqttPort), FOOTFALL_METRICS_PORT: "off", FOOTFALL_LOG_LEVEL: "warn", FOOTFALL_MQTT_PUBLISH: "off" };
const base = `http://127.0.0.1:${http}`;
const cliJson = (args) => JSON.parse(execFileSync(process.execPath, [cli, ...args], { env, encoding: "utf8" }));
const admin = cliJson(["token", "add", "--role", "admin"]).token;
const staff = cliJson(["token", "add", "--role", "staff"]).token;
const agent = cliJson(["agent", "add", "cam-1", "--store", STORE, "--kind", "camera"]);
const server = spawn(process.execPath, [cli, "serve"], { env, stdio: ["ignore", "ignore", "inherit"] });
const cleanup = () => {
  server.kill("SIGTERM");
  rmSync(dataDir, { recursive: true, force: true });
};
try {
  await waitFor("the server", () => fetch(`${base}/api/v1/health`).then((r) => r.ok, () => false), 30_000);
  const call = async (method, url, body) => {
    const res = await fetch(base + url, { method, headers: { authorization: `Bearer ${admin}`, "content-type": "application/json" }, body: JSON.stringify(body) });
    if (!res.ok) throw new Error(`${method} ${url}: ${res.status} ${await res.text()}`);
    return res.json();
  };
  const rect = (id, kind, x, capacity) => ({ id, name: id, kind, polygon: [[x, 0], [x + 4, 0], [x + 4, 4], [x, 4]], ...(capacity ? { capacity } : {}) });
  await call("PUT", `/api/v1/stores/${STORE}/layout`, { name: "Bench", validFrom: 0, timezone: "UTC", floor: { width: 20, height: 10 }, zones: [rect("entrance", "entrance", 0), rect("fruit", "zone", 5, 5)] });
  await call("POST", `/api/v1/stores/${STORE}/alert-rules`, { id: "fruit-busy", kind: "occupancy", zone: "fruit", threshold: 0.5, forSeconds: 0, cooldownSeconds: 0, enabled: true });

  // The webhook receiver: verifies the signature (README "Webhooks") and notes each firing's arrival.
  const webhookAt = new Map();
  let refused = 0;
  const receiver = createServer((req, res) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      const raw = Buffer.concat(chunks).toString("utf8");
      const f = Object.fromEntries(String(req.headers["footfall-signature"]).split(",").map((kv) => kv.split("=")));
      const ok = f.v1 && timingSafeEqual(createHmac("sha256", secret).update(`${f.t}.${raw}`).digest(), Buffer.from(f.v1, "hex")) && Math.abs(Date.now() / 1000 - Number(f.t)) <= 300;
      if (!ok) {
        refused++;
        return res.writeHead(401).end();
      }
      const body = JSON.parse(raw);
      if (body.type === "alert.firing" && !webhookAt.has(body.data.alert.id)) webhookAt.set(body.data.alert.id, performance.now());
      res.writeHead(204).end();
    });
  });
  await new Promise((r) => receiver.listen(0, "127.0.0.1", r));
  const hook = await call("POST", `/api/v1/stores/${STORE}/webhooks`, { url: `http://127.0.0.1:${receiver.address().port}/hook`, events: ["alert.firing"] });
  const secret = hook.secret;

  // The tablet: a staff token on Socket.IO, joined to the store; notes when each alert first shows firing.
  const tabletAt = new Map();
  const socket = io(base, { auth: { token: staff }, transports: ["websocket"] });
  socket.on("alerts", (a) => {
    for (const al of a.alerts) if (al.state === "firing" && !tabletAt.has(al.id)) tabletAt.set(al.id, performance.now());
  });
  await new Promise((resolve, reject) => socket.on("connect", () => socket.emit("join", STORE, (r) => (r.ok ? resolve() : reject(new Error(r.error))))));

  const client = await mqtt.connectAsync(`mqtt://127.0.0.1:${mqttPort}`, { clientId: `${STORE}-cam-1`, username: agent.username, password: agent.password, clean: true });
  let seq = 0;
  const publish = (events) => client.publishAsync(`footfall/v1/${STORE}/agents/cam-1/events`, JSON.stringify({ agent: "cam-1", events }), { qos: 1 });
  const ev = (type, v) => ({ type, id: `cam-1:${String(seq++).padStart(9, "0")}`, ts: Date.now(), zone: "fruit", visitor: `v${v}` });

  const tablet = [];
  const webhook = [];
  const seen = new Set();
  for (let round = 0; round < ROUNDS; round++) {
    const t0 = performance.now();
    await publish([0, 1, 2].map((i) => ev("enter", round * 10 + i)));
    const id = await waitFor("the alert on the tablet and the webhook", () => {
      for (const [k] of tabletAt) if (!seen.has(k) && webhookAt.has(k)) return k;
      return undefined;
    });
    seen.add(id);
    tablet.push(tabletAt.get(id) - t0);
    webhook.push(webhookAt.get(id) - t0);
    await publish([0, 1, 2].map((i) => ev("exit", round * 10 + i)));
    // Resolved (the tablet's list is empty again) before the next round.
    await waitFor("the alert resolved", async () => (await call("GET", `/api/v1/stores/${STORE}/alerts`)).alerts?.every?.((a) => a.state === "resolved") ?? true);
    await sleep(150);
  }
  const line = (name, xs) => `${name.padEnd(34)} p50 ${pct(xs, 0.5).toFixed(0)} ms, p95 ${pct(xs, 0.95).toFixed(0)} ms, max ${Math.max(...xs).toFixed(0)} ms`;
  log(`${ROUNDS} firings of an occupancy rule (enters published over MQTT -> alert):`);
  log(line("  to the tablet (Socket.IO alerts)", tablet) + "   (aim < 1000 ms)");
  log(line("  to the webhook receiver (signed)", webhook) + "   (aim < 2000 ms)");
  log(`  webhook requests refused by the receiver's signature check: ${refused}`);
  console.log(JSON.stringify({ rounds: ROUNDS, tabletP95: pct(tablet, 0.95), webhookP95: pct(webhook, 0.95), tabletP50: pct(tablet, 0.5), webhookP50: pct(webhook, 0.5) }));
  socket.close();
  await client.endAsync();
  receiver.close();
} finally {
  cleanup();
}
