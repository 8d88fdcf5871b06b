import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Layout } from "@footfall/core";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createLogger, type Logger } from "../../log.js";
import { testContext } from "../door/test-context.js";
import { BeaconSource } from "./beacon.js";
import { checkBeaconSettings } from "./settings.js";

const SECRET = "gateway-secret-0123456789";
const STAFF = "11:22:33:44:55:66";
const CUSTOMER = "AA:BB:CC:DD:EE:01";

describe("the beacon source with an HTTP gateway feed", () => {
  let dir: string;
  let source: BeaconSource | null = null;
  afterEach(async () => {
    await source?.stop();
    source = null;
    vi.useRealTimers();
    rmSync(dir, { recursive: true, force: true });
  });
  /** One tracking tick (tickMs 50) on the fake clock: signal loss and pending changes are checked. */
  const tick = () => vi.advanceTimersByTime(50);

  async function start(log?: Logger, prepare?: (dir: string) => void) {
    dir = mkdtempSync(join(tmpdir(), "beacon-"));
    prepare?.(dir);
    const settings = checkBeaconSettings({
      receivers: { "gw-1": { zone: "fruit" }, "gw-2": { zone: "bakery" } },
      http: { host: "127.0.0.1", port: 0, secret: SECRET },
      staff: [STAFF],
      tracking: { tickMs: 50 },
    });
    expect(settings.problems).toEqual([]);
    // The tick timer is fake (the test moves it); HTTP runs on real sockets and timers.
    vi.useFakeTimers({ toFake: ["setInterval", "clearInterval"] });
    let now = 1_800_000_000_000;
    const t = testContext(settings.value, { dataDir: dir, agent: "ble-1", now: () => now, ...(log ? { log } : {}) });
    source = new BeaconSource();
    await source.start(t.ctx);
    const post = (body: string, auth = `Bearer ${SECRET}`) =>
      fetch(`http://127.0.0.1:${source!.httpPort}/sightings`, {
        method: "POST",
        headers: { authorization: auth, "content-type": "application/x-ndjson" },
        body,
      });
    return { ...t, post, setNow: (ms: number) => (now = ms), now: () => now };
  }

  const lines = (beacon: string, receiver: string, rssi: number, from: number, to: number) => {
    const out: string[] = [];
    for (let ts = from; ts <= to; ts += 1000) out.push(JSON.stringify({ receiver, beacon, rssi, ts }));
    return out.join("\n");
  };

  it("reports enters and exits under hashed ids, never the beacon id, and leaves staff out", async () => {
    const { post, emitted, setNow, now } = await start();
    const t0 = now() - 50_000;
    expect((await post(lines(CUSTOMER, "gw-1", -60, t0, t0 + 40_000) + "\n" + lines(STAFF, "gw-1", -55, t0, t0 + 40_000))).status).toBe(204);
    expect(emitted).toEqual([{ type: "enter", zone: "fruit", ts: t0, visitor: expect.stringMatching(/^ble-[0-9a-f]{32}$/) }]);
    setNow(now() + 60_000); // nothing heard since t0 + 40 s: the signal is lost
    tick();
    expect(emitted[1]).toEqual({ type: "exit", zone: "fruit", ts: t0 + 40_000, visitor: (emitted[0] as { visitor: string }).visitor });
    expect(emitted).toHaveLength(2);
    const wire = JSON.stringify(emitted).toLowerCase();
    expect(wire).not.toContain("aabbccddee01");
    expect(wire).not.toContain("aa:bb:cc:dd:ee:01");
    expect(source!.stats().staff).toBe(41);
    // The day's salt is kept for restarts, never the beacon ids.
    expect(readFileSync(join(dir, "ble-1.beacon-salt.json"), "utf8")).toMatch(/^\{"day":"\d{4}-\d\d-\d\d","salt":"[0-9a-f]{64}"\}$/);
  });

  it("does not take a gateway's backlog (times in the past) for a lost signal", async () => {
    const { post, emitted, setNow, now } = await start();
    const t0 = now() - 600_000; // ten minutes late
    await post(lines(CUSTOMER, "gw-1", -60, t0, t0 + 20_000));
    setNow(now() + 5000); // five seconds pass between two deliveries of the backlog, ticks run
    tick();
    await post(lines(CUSTOMER, "gw-1", -60, t0 + 21_000, t0 + 40_000));
    expect(emitted.map((e) => e.type)).toEqual(["enter"]);
    setNow(now() + 60_000);
    tick();
    expect(emitted.map((e) => [e.type, e.ts])).toEqual([
      ["enter", t0],
      ["exit", t0 + 40_000],
    ]);
  });

  it("refuses a feed without the secret, and says which field is wrong", async () => {
    const { post, emitted } = await start();
    expect((await post('{"receiver":"gw-1","beacon":"x","rssi":-60}', "Bearer wrong")).status).toBe(401);
    const bad = await post('{"receiver":"gw-1","beacon":"x","rssi":"loud"}');
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({ error: "rssi: expected an RSSI in dBm (-130..20)" });
    expect(emitted).toEqual([]);
  });

  it("says once which receiver it does not know, ignores its sightings, and never writes out an id shaped like a beacon's", async () => {
    const logged: string[] = [];
    const { post, emitted, now, rejects, read } = await start(createLogger({ level: "info", write: (l) => logged.push(l) }));
    const t0 = now() - 50_000;
    // A gateway id mistyped in the config; one named like Object's own keys; a feed mapped the wrong
    // way round, its receiver field holding the beacon's MAC address.
    for (const receiver of ["gw-typo", "constructor", "AA:BB:CC:DD:EE:02", "gw-typo"]) expect((await post(lines(CUSTOMER, receiver, -60, t0, t0 + 40_000))).status).toBe(204);
    expect(emitted).toEqual([]);
    expect(source!.stats()).toMatchObject({ sightings: 0, unknownReceiver: 4 * 41 });
    // Counted for the agent's status (agentRejects.unknown_receiver): the Agents view shows them.
    expect(rejects).toEqual({ unknown_receiver: 4 * 41 });
    // Read, every one of them: the share refused is what the server watches ("refusing input").
    expect(read.n).toBe(4 * 41);
    const warns = logged.filter((l) => / WARN /.test(l));
    expect(warns).toEqual([
      expect.stringMatching(/sightings from receiver "gw-typo" are ignored: it is not in settings\.receivers \(gw-1, gw-2\)\. Add it with its zone, or fix the receiver id the feed gives \(fields\.receiver\) unknownReceivers=1$/),
      expect.stringMatching(/sightings from receiver "constructor" are ignored/),
      expect.stringMatching(/sightings from receiver with an id shaped like a MAC address or a phone number \(not logged: it may be a beacon's\) are ignored/),
    ]);
    expect(logged.join("\n").toLowerCase()).not.toMatch(/aa:bb:cc|aabbcc/);
  });

  it("goes on counting when the day's salt cannot be written, and says so", async () => {
    const logged: string[] = [];
    // The salt file's temporary file cannot be made (a directory stands in its place), as on a full
    // disk or a read-only data folder: the first visitor of the day crashed the agent (exit 1).
    const { post, emitted, now } = await start(createLogger({ level: "info", write: (l) => logged.push(l) }), (d) => mkdirSync(join(d, "ble-1.beacon-salt.json.tmp")));
    const t0 = now() - 50_000;
    expect((await post(lines(CUSTOMER, "gw-1", -60, t0, t0 + 40_000))).status).toBe(204);
    expect(emitted).toEqual([{ type: "enter", zone: "fruit", ts: t0, visitor: expect.stringMatching(/^ble-[0-9a-f]{32}$/) }]);
    expect(logged.filter((l) => / ERROR /.test(l))).toEqual([
      expect.stringMatching(/cannot keep the day's salt of visitor ids \(.*EISDIR.*\): it is used from memory, .* Free space on the disk or let the agent write its dataDir file=.*ble-1\.beacon-salt\.json day=\d{4}-\d\d-\d\d$/),
    ]);
  });

  it("names the receivers whose zone the layout lacks and says what to do", async () => {
    const logged: string[] = [];
    dir = mkdtempSync(join(tmpdir(), "beacon-"));
    const settings = checkBeaconSettings({ receivers: { "gw-1": { zone: "fruit" }, "gw-2": { zone: "garden" } }, http: { host: "127.0.0.1", port: 0 } });
    const t = testContext(settings.value, { dataDir: dir, agent: "ble-1", log: createLogger({ level: "info", write: (l) => logged.push(l) }) });
    const layout = { store: "s", version: 3, validFrom: 0, timezone: "UTC", floor: { width: 10, height: 10 }, zones: [{ id: "fruit", name: "Fruit", kind: "zone", polygon: [[0, 0], [5, 0], [5, 5], [0, 5]] }, { id: "bakery", name: "Bakery", kind: "zone", polygon: [[5, 0], [10, 0], [10, 5], [5, 5]] }] };
    source = new BeaconSource();
    await source.start({ ...t.ctx, layout: () => layout as unknown as Layout });
    expect(logged.filter((l) => / WARN /.test(l) && /layout/.test(l))).toEqual([
      expect.stringMatching(
        /receivers in zones the layout does not have: gw-2 -> garden; the server rejects their events \(unknown zone\)\. Give each one of the layout's zones in settings\.receivers \(fruit, bakery\), or add the zone to the store's layout \(Layout in the web app\) layoutVersion=3$/,
      ),
    ]);
  });

  it("refuses sightings dated before 2000 (a gateway whose clock was never set), saying what to do", async () => {
    const { post, emitted, rejects } = await start();
    // Uptime seconds since a 1970 boot: tracked, such sightings made events the agent threw away as a source bug, or none at all.
    const res = await post(lines(CUSTOMER, "gw-1", -60, 3_600_000, 3_640_000)); // under 10^11: epoch seconds, February 1970
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: "ts: 1970-02-12T03:06:40.000Z is before 2000: the gateway's clock is not set; set it (NTP), or send records without a time (they are stamped on receipt)" });
    expect(source!.stats()).toMatchObject({ sightings: 0, bad: 41 });
    expect(rejects).toEqual({ bad_sighting: 41 });
    expect(emitted).toEqual([]);
  });

  it("says so when a message is not JSON, as a gateway over MQTT gets no answer", async () => {
    const logged: string[] = [];
    const { post } = await start(createLogger({ level: "info", write: (l) => logged.push(l) }));
    expect((await post("<sightings/>")).status).toBe(400);
    expect(logged.filter((l) => / WARN /.test(l))).toEqual([expect.stringMatching(/bad sighting message: not JSON: send JSON records, an array of them, or JSON lines bad=1$/)]);
  });
});

describe("beacon settings", () => {
  it("lists every problem at once", () => {
    const r = checkBeaconSettings({ receivers: {}, beaconPattern: "(", privacy: { timezone: "Mars/Olympus" } });
    expect(r.problems).toEqual([
      expect.stringMatching(/^\/receivers: list at least one receiver/),
      expect.stringMatching(/^\/: give at least one input/),
      expect.stringMatching(/^\/beaconPattern: not a regular expression/),
      expect.stringMatching(/^\/privacy\/timezone: "Mars\/Olympus" is not a time zone/),
    ]);
  });
});

describe("the optional local scanner", () => {
  it("fails at start with what to install when @abandonware/noble or Bluetooth is missing, leaving the agent to run", async () => {
    const { loadNoble } = await import("./inputs.js");
    const err = await loadNoble().then(
      () => null,
      (e: unknown) => e as Error,
    );
    if (err === null) return; // a machine with the package and an adapter: nothing to check here
    expect(err.message).toMatch(/npm install -w edge @abandonware\/noble/);
    const dir = mkdtempSync(join(tmpdir(), "beacon-noble-"));
    try {
      const t = testContext(checkBeaconSettings({ receivers: { local: { zone: "fruit" } }, noble: {} }).value, { dataDir: dir });
      await expect(new BeaconSource().start(t.ctx)).rejects.toThrow(/@abandonware\/noble/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
