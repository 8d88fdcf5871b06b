/* global window, document, location, requestAnimationFrame, MouseEvent -- page.evaluate callbacks run in the browser */
// The floor-plan UI's figures: bundle size (gzip), first paint of the demo store cold, and frames
// per second while panning a 200-zone heatmap, and the live push's latency (MQTT publication to the
// Socket.IO message and to the live view), in Debian's headless chromium (software rendering,
// --disable-gpu: a floor for what a tablet or laptop does). Prints figures; asserts nothing.
// Needs a build (`npm run build`). Options (env): UI_BENCH_RUNS (5), UI_BENCH_PAN_MS (3000),
// FOOTFALL_CHROMIUM (/usr/bin/chromium).
import "./help.mjs"; // --help: this file's leading comment
import { spawn, execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { createServer } from "node:net";
import { gzipSync } from "node:zlib";
import mqtt from "mqtt";
import { chromium } from "playwright-core";
import { io } from "socket.io-client";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..", "..");
const cli = join(root, "server", "dist", "cli.js");
const dist = join(root, "floorplan-ui", "dist");
const RUNS = Number(process.env.UI_BENCH_RUNS ?? 5);
const PAN_MS = Number(process.env.UI_BENCH_PAN_MS ?? 3000);
const CHROMIUM = process.env.FOOTFALL_CHROMIUM ?? "/usr/bin/chromium";
const ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"];
const log = (s) => process.stderr.write(s + "\n");
const kb = (n) => `${(n / 1024).toFixed(1)} KiB`;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const pct = (xs, q) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)]; };

for (const f of [cli, join(dist, "index.html")]) if (!existsSync(f)) throw new Error(`${f} is missing: run \`npm run build\` first`);

// ---------------------------------------------------------------------------------------------
// 1. Bundle size
function bundle() {
  const assets = join(dist, "assets");
  const files = readdirSync(assets).filter((f) => /\.(js|css)$/.test(f));
  const size = (f) => ({ raw: readFileSync(join(assets, f)).length, gz: gzipSync(readFileSync(join(assets, f)), { level: 9 }).length });
  const html = readFileSync(join(dist, "index.html"), "utf8");
  const entry = [...html.matchAll(/(?:src|href)="\/assets\/([^"]+)"/g)].map((m) => m[1]).filter((f) => /\.(js|css)$/.test(f));
  const all = files.map((f) => ({ file: f, ...size(f) })).sort((a, b) => b.gz - a.gz);
  const sum = (list) => list.reduce((s, x) => s + x.gz, 0);
  const out = {
    total_gzip: sum(all),
    entry_gzip: sum(all.filter((x) => entry.includes(x.file))),
    gzipOf: Object.fromEntries(all.map((x) => [x.file, x.gz])),
    chunks: all.map((x) => `${x.file} ${kb(x.gz)}`),
  };
  log(`bundle: all chunks ${kb(out.total_gzip)} gzip; entry (the sign-in page) ${kb(out.entry_gzip)}`);
  for (const c of out.chunks) log(`  ${c}`);
  return out;
}

// ---------------------------------------------------------------------------------------------
// A real server with a store.
const freePort = () => new Promise((resolve) => { const s = createServer(); s.listen(0, "127.0.0.1", () => { const p = s.address().port; s.close(() => resolve(p)); }); });
const json = (args, env) => JSON.parse(execFileSync(process.execPath, [cli, ...args], { env: { ...process.env, ...env }, encoding: "utf8" }).trim().split("\n").pop());

async function startServer() {
  const dataDir = mkdtempSync(join(tmpdir(), "footfall-ui-bench-"));
  const http = await freePort();
  const mqttPort = await freePort();
  const env = { FOOTFALL_DATA_DIR: dataDir, FOOTFALL_HTTP_PORT: String(http), FOOTFALL_MQTT_PORT: String(mqttPort), FOOTFALL_METRICS_PORT: "off", FOOTFALL_LOG_LEVEL: "warn" };
  const proc = spawn(process.execPath, [cli, "serve"], { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  proc.stdout.on("data", (d) => (out += d));
  proc.stderr.on("data", (d) => (out += d));
  const base = `http://127.0.0.1:${http}`;
  for (const t0 = Date.now(); ; ) {
    if (proc.exitCode !== null) throw new Error(`server exited: ${out}`);
    if (await fetch(`${base}/api/v1/health`).then((r) => r.ok, () => false)) break;
    if (Date.now() - t0 > 30_000) throw new Error(`server did not start: ${out}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  const admin = json(["token", "add", "--role", "admin"], env).token;
  return {
    base, env, admin, mqttUrl: `mqtt://127.0.0.1:${mqttPort}`,
    async put(store, layout) {
      const r = await fetch(`${base}/api/v1/stores/${store}/layout`, { method: "PUT", headers: { authorization: `Bearer ${admin}`, "content-type": "application/json" }, body: JSON.stringify(layout) });
      if (!r.ok) throw new Error(`layout: ${await r.text()}`);
    },
    async publish(store, agent, zoneIds, visitsPerZone, from, spanMs) {
      const creds = json(["agent", "add", agent, "--store", store, "--kind", "sim"], env);
      const client = await mqtt.connectAsync(`mqtt://127.0.0.1:${mqttPort}`, { username: creds.username, password: creds.password });
      let seq = 0, events = [], sent = 0;
      const flush = async () => { if (events.length) await client.publishAsync(`footfall/v1/${store}/agents/${agent}/events`, JSON.stringify({ agent, events }), { qos: 1 }); sent += events.length; events = []; };
      for (const [i, zone] of zoneIds.entries()) {
        for (let v = 0; v < visitsPerZone(i); v++) {
          const ts = from + Math.floor(((seq * 7919) % 1000) / 1000 * spanMs);
          const visitor = `b-${i}-${v}`;
          events.push({ type: "enter", id: `${agent}:${String(seq++).padStart(9, "0")}`, ts, zone, visitor });
          events.push({ type: "exit", id: `${agent}:${String(seq++).padStart(9, "0")}`, ts: ts + 20_000 + (v % 9) * 15_000, zone, visitor });
          if (events.length >= 1000) await flush();
        }
      }
      await flush();
      await client.endAsync();
      return sent;
    },
    async stop() {
      await new Promise((r) => { proc.once("exit", r); proc.kill("SIGTERM"); });
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

const rect = (id, name, kind, x, y, w, h, capacity) => ({ id, name, kind, capacity, polygon: [[x, y], [x + w, y], [x + w, y + h], [x, y + h]] });
/** The demo store's plan (server/src/demo-layout.ts): 30 x 20 m, ten zones. */
const demoLayout = () => ({
  name: "Demo store", validFrom: 0, timezone: "Europe/Paris", floor: { width: 30, height: 20 },
  zones: [
    rect("entrance", "Entrance", "entrance", 12, 16, 6, 4, 15), rect("promo", "Promo table", "zone", 12, 11, 6, 4, 10),
    rect("fruit-veg", "Fruit & veg", "zone", 0, 12, 10, 8, 25), rect("bakery", "Bakery", "zone", 0, 6, 8, 5, 12),
    rect("dairy", "Dairy", "zone", 0, 0, 10, 5, 15), rect("drinks", "Drinks", "zone", 11, 0, 8, 5, 15),
    rect("household", "Household", "zone", 20, 0, 10, 5, 12), rect("clothing", "Clothing", "zone", 20, 6, 10, 6, 20),
    rect("fitting-rooms", "Fitting rooms", "fitting-room", 26, 12.5, 4, 3.5, 6), rect("checkout", "Checkout", "checkout", 20, 16.5, 9, 3.5, 12),
  ],
});
/** 200 zones: a 20 x 10 grid of 4.5 m squares on a 100 x 50 m floor. */
const bigLayout = () => ({
  name: "Hypermarket", validFrom: 0, timezone: "Europe/Paris", floor: { width: 100, height: 50 },
  zones: Array.from({ length: 200 }, (_, i) => rect(`z${i}`, `Aisle ${i + 1}`, i === 0 ? "entrance" : "zone", (i % 20) * 5 + 0.25, Math.floor(i / 20) * 5 + 0.25, 4.5, 4.5)),
});

async function launch() {
  const profile = mkdtempSync(join(tmpdir(), "footfall-ui-bench-chromium-"));
  const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: ARGS, viewport: { width: 1366, height: 900 }, deviceScaleFactor: 1 });
  for (const p of context.pages()) await p.close();
  return { context, close: async () => { await context.close(); rmSync(profile, { recursive: true, force: true }); } };
}

// ---------------------------------------------------------------------------------------------
// 2. First paint, cold (fresh profile: nothing cached), of the demo store's heatmap and live view.
async function firstPaint(server, range, gzipOf) {
  const results = { heatmap: [], live: [] };
  const views = {
    heatmap: { hash: `/heatmap/demo?from=${range.from}&to=${range.to}`, ready: '[data-testid="heat-row-entrance"]' },
    live: { hash: "/live/demo?kiosk=1", ready: '[data-testid="live"][data-status="live"] [data-testid="live-total"]' },
  };
  for (let run = 0; run < RUNS; run++) {
    for (const [name, v] of Object.entries(views)) {
      const b = await launch();
      const page = await b.context.newPage();
      await page.goto(`${server.base}/#${v.hash}&token=${server.admin}`);
      await page.locator(v.ready).waitFor({ timeout: 30_000 });
      await page.locator('[data-testid="plan"] canvas').waitFor();
      // Two frames later the plan is on screen.
      const m = await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => {
        const nav = performance.getEntriesByType("navigation")[0];
        const fcp = performance.getEntriesByName("first-contentful-paint")[0];
        const mark = (n) => performance.getEntriesByName(`footfall:${n}`)[0]?.startTime ?? NaN;
        const assets = performance.getEntriesByType("resource").map((e) => e.name.split("/assets/")[1]).filter(Boolean);
        resolve({ fcp: fcp?.startTime ?? NaN, domContentLoaded: nav?.domContentLoadedEventEnd ?? NaN, signedIn: mark("signed-in"), planDrawn: mark("plan-drawn"), firstOccupancy: mark("first-occupancy"), assets });
      }))));
      m.gzip = m.assets.reduce((s, f) => s + (gzipOf[f] ?? 0), 0);
      // The heatmap draws its plan once the figures are in; the live plan gets its figures from the socket.
      m.figures = name === "live" ? Math.max(m.planDrawn, m.firstOccupancy) : m.planDrawn;
      results[name].push(m);
      if (process.env.UI_BENCH_TRACE && run === 0) {
        const entries = await page.evaluate(() => [
          ...performance.getEntriesByType("resource").map((e) => [e.startTime, `${e.startTime.toFixed(0).padStart(5)}–${e.responseEnd.toFixed(0).padStart(5)} ms  ${e.name.replace(location.origin, "")}`]),
          ...performance.getEntriesByType("mark").map((e) => [e.startTime, `${e.startTime.toFixed(0).padStart(5)} ms        mark ${e.name}`]),
        ].sort((a, b) => a[0] - b[0]).map((e) => e[1]));
        log(`  ${name}, resources of the first load:\n    ${entries.join("\n    ")}`);
      }
      await b.close();
    }
  }
  const out = {};
  for (const [name, list] of Object.entries(results)) {
    out[name] = {
      fcp_ms: median(list.map((m) => m.fcp)),
      signed_in_ms: median(list.map((m) => m.signedIn)),
      plan_drawn_ms: median(list.map((m) => m.planDrawn)),
      figures_shown_ms: median(list.map((m) => m.figures)),
      gzip_loaded: list[0].gzip,
    };
    const o = out[name];
    log(`first load, ${name} view (median of ${RUNS} cold loads, ${kb(o.gzip_loaded)} gzip fetched in all): first contentful paint ${o.fcp_ms.toFixed(0)} ms; token checked ${o.signed_in_ms.toFixed(0)} ms; plan drawn ${o.plan_drawn_ms.toFixed(0)} ms; with its figures ${o.figures_shown_ms.toFixed(0)} ms`);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// 3. Frames per second while panning the 200-zone heatmap by mouse drag.
async function panFps(server, range) {
  const b = await launch();
  const page = await b.context.newPage();
  await page.goto(`${server.base}/#/heatmap/big?from=${range.from}&to=${range.to}&token=${server.admin}`);
  await page.locator('[data-testid="heat-row-z199"]').waitFor({ timeout: 30_000 });
  const plan = page.locator('[data-testid="plan"]');
  await plan.locator("canvas").waitFor();
  const results = {};
  for (const [label, zoomClicks] of [["fitted", 0], ["zoomed x2.7", 3]]) {
    for (let i = 0; i < zoomClicks; i++) await page.getByRole("button", { name: "Zoom in" }).click();
    await page.waitForTimeout(300);
    // Drag the stage from inside the page, one mouse move per animation frame (as a hand does),
    // and count the frames the browser manages while Konva redraws 200 zones and their labels.
    const x0 = Number(await page.locator('[data-testid="plan"]').getAttribute("data-x"));
    const r = await page.evaluate((panMs) => new Promise((resolve) => {
      const content = document.querySelector('[data-testid="plan"] .konvajs-content');
      const box = content.getBoundingClientRect();
      const cx = box.left + box.width / 2, cy = box.top + box.height / 2;
      const ev = (type, x, y) => new MouseEvent(type, { clientX: x, clientY: y, screenX: x, screenY: y, button: 0, buttons: type === "mouseup" ? 0 : 1, bubbles: true, cancelable: true, view: window });
      content.dispatchEvent(ev("mousedown", cx, cy));
      const frames = [];
      let t0 = null;
      const step = (t) => {
        t0 ??= t;
        frames.push(t);
        const a = ((t - t0) / 1000) * Math.PI;
        window.dispatchEvent(ev("mousemove", cx + Math.cos(a) * 150 - 150, cy + Math.sin(a) * 90));
        if (t - t0 < panMs) requestAnimationFrame(step);
        else {
          window.dispatchEvent(ev("mouseup", cx, cy));
          requestAnimationFrame(() => resolve({ frames, x: Number(document.querySelector('[data-testid="plan"]').getAttribute("data-x")) }));
        }
      };
      requestAnimationFrame(step);
    }), PAN_MS);
    if (r.x === x0) throw new Error("the synthetic drag did not pan the plan: the figures would mean nothing");
    const frames = r.frames;
    const gaps = frames.slice(1).map((t, i) => t - frames[i]);
    const seconds = (frames.at(-1) - frames[0]) / 1000;
    results[label] = { fps: (frames.length - 1) / seconds, frame_p95_ms: pct(gaps, 0.95), frame_max_ms: Math.max(...gaps), frames: frames.length };
    log(`pan, 200-zone heatmap ${label}: ${results[label].fps.toFixed(1)} frames/s over ${seconds.toFixed(1)} s; frame time p95 ${results[label].frame_p95_ms.toFixed(1)} ms, max ${results[label].frame_max_ms.toFixed(1)} ms`);
    await page.getByRole("button", { name: "Fit to screen" }).click();
  }
  await b.close();
  return results;
}

// ---------------------------------------------------------------------------------------------
// 4. Live push: from an event's MQTT publication (QoS 1, acknowledged) to the Socket.IO message
// that carries it, and to the live view showing it. (The browser and e2e tests check that it
// arrives; how fast is measured here, on a quiet machine.)
async function liveLatency(server) {
  const creds = json(["agent", "add", "live-bench", "--store", "demo", "--kind", "sim"], server.env);
  const client = await mqtt.connectAsync(server.mqttUrl, { username: creds.username, password: creds.password });
  client.stream.setNoDelay?.(true);
  const socket = io(server.base, { transports: ["websocket"], auth: { token: server.admin } });
  let lastPush = { at: 0, promo: -1 };
  socket.on("occupancy", (o) => (lastPush = { at: performance.now(), promo: o.zones.find((z) => z.zone === "promo")?.occupancy ?? -1 }));
  await new Promise((resolve, reject) => socket.once("connect", resolve).once("connect_error", reject));
  await new Promise((resolve) => socket.emit("join", "demo", resolve));
  const b = await launch();
  const page = await b.context.newPage();
  await page.goto(`${server.base}/#/live/demo?kiosk=1&token=${server.admin}`);
  await page.locator('[data-testid="live"][data-status="live"]').waitFor({ timeout: 30_000 });
  const shownPromo = () => page.getByTestId("live-zone-promo").getAttribute("data-occupancy").then(Number);
  const push = [], shown = [];
  const n = Math.max(10, RUNS * 4);
  for (let i = 0; i < n; i++) {
    const before = await shownPromo();
    const now = Date.now();
    const t0 = performance.now();
    const visitor = `live-bench-${i}`;
    await client.publishAsync(`footfall/v1/demo/agents/live-bench/events`, JSON.stringify({ agent: "live-bench", events: [{ type: "enter", id: `live-bench:${String(i).padStart(9, "0")}`, ts: now, zone: "promo", visitor }] }), { qos: 1 });
    await page.waitForFunction((n) => document.querySelector('[data-testid="live-zone-promo"]')?.getAttribute("data-occupancy") === String(n), before + 1, { timeout: 10_000, polling: "raf" });
    shown.push(performance.now() - t0);
    for (const until = performance.now() + 5000; lastPush.promo !== before + 1 && performance.now() < until; ) await new Promise((r) => setTimeout(r, 5));
    if (lastPush.promo === before + 1) push.push(lastPush.at - t0);
    await new Promise((r) => setTimeout(r, 150)); // past the hub's coalescing window: one change at a time
  }
  socket.close();
  await client.endAsync();
  await b.close();
  const out = { runs: n, push_median_ms: median(push), push_p95_ms: pct(push, 0.95), shown_median_ms: median(shown), shown_p95_ms: pct(shown, 0.95), shown_max_ms: Math.max(...shown) };
  log(`live: MQTT publish to Socket.IO push ${out.push_median_ms.toFixed(0)} ms median, p95 ${out.push_p95_ms.toFixed(0)} ms; to the live view showing it ${out.shown_median_ms.toFixed(0)} ms median, p95 ${out.shown_p95_ms.toFixed(0)} ms, max ${out.shown_max_ms.toFixed(0)} ms (${n} events; aim: under 1 s)`);
  return out;
}

const figures = { bundle: bundle() };
log("starting a server with the demo store and a 200-zone store…");
const server = await startServer();
try {
  const now = Date.now();
  const range = { from: now - 3 * 3_600_000, to: now };
  await server.put("demo", demoLayout());
  await server.put("big", bigLayout());
  await server.publish("demo", "sim-demo", demoLayout().zones.map((z) => z.id), (i) => 10 + ((i * 37) % 60), range.from, 2 * 3_600_000);
  // The 200-zone store: 0..49 visits per zone (about 10,000 events).
  await server.publish("big", "sim-big", bigLayout().zones.map((z) => z.id), (i) => (i * 53) % 50, range.from, 2 * 3_600_000);
  figures.first_load = await firstPaint(server, range, figures.bundle.gzipOf);
  delete figures.bundle.gzipOf;
  figures.pan = await panFps(server, range);
  figures.live = await liveLatency(server);
} finally {
  await server.stop();
}
process.stdout.write(JSON.stringify(figures, null, 2) + "\n");
