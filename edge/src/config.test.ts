import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { validateConfig } from "./config.js";
import { runCli, type CliIo } from "./main.js";
import { checkSimSettings } from "./sources/sim/settings.js";

const good = { store: "demo", agent: "sim-1", mqtt: { url: "mqtt://localhost:1883" }, settings: {} };

function tempFile(content: unknown): string {
  const dir = mkdtempSync(join(tmpdir(), "footfall-edge-"));
  const path = join(dir, "config.json");
  writeFileSync(path, typeof content === "string" ? content : JSON.stringify(content));
  return path;
}

function io(env: Record<string, string> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const value: CliIo = { stdout: (t) => void out.push(t), stderr: (t) => void err.push(t), env, onSignal: () => () => {} };
  return { io: value, out: () => out.join(""), err: () => err.join("") };
}

describe("validateConfig", () => {
  it("fills every default", () => {
    const result = validateConfig(good, "sim", {}, checkSimSettings);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.config.batch).toEqual({ flushAtEvents: 100, flushEveryMs: 250, maxEvents: 1000, maxBytes: 262_144, maxInflight: 8, maxUnsettled: 20_000 });
    expect(result.config).toMatchObject({ receipts: "auto", receiptTimeoutMs: 30_000, receiptTimeoutMaxMs: 300_000 });
    expect(result.config.statusEveryS).toBe(30);
    expect(result.config.settings.speed).toBe(60);
    expect(result.config.settings.door).toEqual({ enabled: true, reportEverySeconds: 60 });
    expect(result.config.kind).toBe("sim");
  });

  it("lets the environment override the file", () => {
    const env = { FOOTFALL_MQTT_URL: "mqtt://broker:1884", FOOTFALL_STORE: "paris-1", FOOTFALL_AGENT: "sim-2", FOOTFALL_MQTT_USERNAME: "u", FOOTFALL_MQTT_PASSWORD: "p" };
    const result = validateConfig(good, "sim", env, checkSimSettings);
    expect(result.ok && result.config).toMatchObject({ store: "paris-1", agent: "sim-2", mqtt: { url: "mqtt://broker:1884", username: "u", password: "p" } });
  });

  it("takes the receipts mode from FOOTFALL_RECEIPTS and refuses an unknown one, naming the field", () => {
    const fromEnv = validateConfig(good, "sim", { FOOTFALL_RECEIPTS: "off" }, checkSimSettings);
    expect(fromEnv.ok && fromEnv.config.receipts).toBe("off");
    const bad = validateConfig({ ...good, receipts: "sometimes" }, "sim", {}, checkSimSettings);
    expect(bad.ok ? [] : bad.problems.join("\n")).toMatch(/\/receipts/);
  });

  it("refuses a receipt timeout longer than its maximum", () => {
    const result = validateConfig({ ...good, receiptTimeoutMs: 60_000, receiptTimeoutMaxMs: 30_000 }, "sim", {}, checkSimSettings);
    expect(result.ok ? [] : result.problems).toEqual(["/receiptTimeoutMs: is larger than receiptTimeoutMaxMs"]);
  });

  it("completes a config that only the environment makes whole", () => {
    const result = validateConfig({}, "sim", { FOOTFALL_STORE: "demo", FOOTFALL_AGENT: "sim-1" }, checkSimSettings);
    expect(result.ok).toBe(true);
  });

  it("takes every log level the server takes from FOOTFALL_LOG_LEVEL (a deployment shares one), trace and silent too", () => {
    for (const level of ["trace", "fatal", "silent"]) {
      const result = validateConfig({}, "sim", { FOOTFALL_STORE: "demo", FOOTFALL_AGENT: "sim-1", FOOTFALL_LOG_LEVEL: level }, checkSimSettings);
      expect(result.ok, level).toBe(true);
      if (result.ok) expect(result.config.logLevel).toBe(level);
    }
  });

  it("reports every problem at once, each naming its field", () => {
    const bad = {
      store: "Demo Store",
      mqtt: { url: "http://x", usrname: "a", password: "p" },
      batch: { flushEveryMs: 0 },
      logLevel: "loud",
      settings: { speed: -1, skipCheckoutRate: 2, hourlyCurve: [1, 2], door: { every: 3 } },
    };
    const result = validateConfig(bad, "sim", {}, checkSimSettings);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const text = result.problems.join("\n");
    for (const field of [
      "/store: \"Demo Store\" is not an id",
      "/agent: is required",
      "/mqtt/usrname: unknown key",
      "/batch/flushEveryMs",
      "/logLevel: \"loud\" is not one of",
      "/mqtt/url: \"http://x\" is not a broker URL",
      "/mqtt/username: is required with the other",
      "/settings/speed",
      "/settings/skipCheckoutRate",
      "/settings/hourlyCurve",
      "/settings/door/every: unknown key",
    ]) {
      expect(text).toContain(field);
    }
  });

  it("refuses a file written for another kind", () => {
    const result = validateConfig({ ...good, kind: "door" }, "sim", {}, checkSimSettings);
    expect(!result.ok && result.problems.join()).toContain("/kind");
  });

  it("checks a configured layout's geometry", () => {
    const layout = { validFrom: 0, timezone: "Mars/Olympus", floor: { width: 10, height: 10 }, zones: [{ id: "a", name: "A", kind: "zone", polygon: [[0, 0], [20, 0], [20, 5]] }] };
    const result = validateConfig({ ...good, settings: { layout } }, "sim", {}, checkSimSettings);
    const text = !result.ok ? result.problems.join("\n") : "";
    expect(text).toContain("/settings/layout/timezone");
    expect(text).toContain("leaves the floor");
  });
});

describe("edge/examples/sim.json", () => {
  it("is a valid sim config for store demo on mqtt://localhost:1883", () => {
    const raw = JSON.parse(readFileSync(new URL("../examples/sim.json", import.meta.url), "utf8")) as unknown;
    const result = validateConfig(raw, "sim", {}, checkSimSettings);
    expect(result.ok ? [] : result.problems).toEqual([]);
    expect(result.ok && result.config).toMatchObject({ store: "demo", mqtt: { url: "mqtt://localhost:1883" } });
  });
});

describe("footfall-edge (CLI)", () => {
  it("prints every config problem, says what to fix and exits 2", async () => {
    const path = tempFile({ store: "BAD", mqtt: { url: "nope" }, settings: { speed: 0, tickMs: 1 } });
    const run = io();
    expect(await runCli(["sim", "--config", path], run.io)).toBe(2);
    const err = run.err();
    expect(err).toMatch(/has 5 problems:/);
    for (const p of ["/store", "/agent", "/mqtt/url", "/settings/speed", "/settings/tickMs"]) expect(err).toContain(`  - ${p}`);
    expect(err).toMatch(/Fix them in the file/);
  });

  it("says a missing file cannot be read and exits 2", async () => {
    const run = io();
    expect(await runCli(["sim", "--config", "/nonexistent/footfall.json"], run.io)).toBe(2);
    expect(run.err()).toMatch(/cannot read \/nonexistent\/footfall.json \(ENOENT\)/);
  });

  it("says malformed JSON is malformed and exits 2", async () => {
    const run = io();
    expect(await runCli(["sim", "--config", tempFile("{ nope")], run.io)).toBe(2);
    expect(run.err()).toMatch(/is not valid JSON/);
  });

  it("refuses a kind that does not exist, pointing to --help, and exits 2", async () => {
    const run = io();
    expect(await runCli(["lidar", "--config", tempFile(good)], run.io)).toBe(2);
    expect(run.err()).toMatch(/unknown command .lidar.[\s\S]*--help/);
  });

  it("says the source is missing when the options come first (a service whose FOOTFALL_EDGE_SOURCE is empty), and exits 2", async () => {
    // footfall-edge@.service runs `footfall-edge ${FOOTFALL_EDGE_SOURCE} --config ...`; before, an empty one said "unknown option '--config'".
    const run = io();
    expect(await runCli(["--config", tempFile(good)], run.io)).toBe(2);
    expect(run.err()).toMatch(/^footfall-edge: no source before --config: give it first, `footfall-edge <source> --config <file>` with <source> one of door, beacon, camera, sim\. .*FOOTFALL_EDGE_SOURCE/);
    expect(run.err()).not.toMatch(/unknown option/);
    const version = io();
    expect(await runCli(["--version"], version.io)).toBe(0);
  });

  it("has the `camera calibrate` its settings' help points to: the homography and each point's error, without starting the agent", async () => {
    const help = io();
    expect(await runCli(["camera", "--help"], help.io)).toBe(0);
    expect(help.out()).toContain("footfall-edge camera calibrate --config FILE");
    const points = [
      { image: [0, 0], floor: [0, 0] },
      { image: [100, 0], floor: [10, 0] },
      { image: [100, 100], floor: [10, 10] },
      { image: [0, 100], floor: [0, 10] },
    ];
    const run = io();
    expect(await runCli(["camera", "calibrate", "--config", tempFile({ ...good, settings: { input: "/dev/video0", calibration: { points } } })], run.io)).toBe(0);
    expect(run.out()).toMatch(/reprojection error: rms 0\.000 m, max 0\.000 m over 4 points/);
    const none = io();
    expect(await runCli(["camera", "calibrate", "--config", tempFile(good)], none.io)).toBe(2);
    expect(none.err()).toMatch(/no settings\.calibration\.points in the config: add 4\+/);
  });

  it("refuses a camera whose calibration gives no homography or whose line is one point, with every problem, before starting", async () => {
    const points = [0, 1, 2, 3].map((k) => ({ image: [100 * k, 0], floor: [k, 0] })); // all on one line
    const line = { zone: "door", a: [50, 60], b: [50, 60] };
    const run = io();
    const file = tempFile({ ...good, settings: { input: "/dev/video-none", calibration: { points }, line } });
    expect(await runCli(["camera", "--config", file, "--dry-run", "--duration", "1"], run.io)).toBe(2);
    expect(run.err()).toContain(
      "  - /settings: settings/calibration/points: the point pairs are degenerate (collinear or repeated points): choose 4+ points spread over the floor, no 3 of them on one line\n" +
        "  - /settings: settings/line: a and b are the same point: give the line's two ends (image pixels), e.g. either side of the door\n",
    );
  });

  it("refuses a camera whose roi or mask is drawn the wrong way round, or whose restartMaxMs is under restartMinMs, before starting", async () => {
    // Before, each started: the inverted roi gave the detector a one-pixel crop (nobody ever
    // counted), the mask dropped nothing, and restartMaxMs 30 (seconds meant) retried every 30 ms.
    const settings = { input: "/dev/video-none", roi: [700, 500, 60, 40], masks: [[10, 10, 50, 50], [300, 200, 300, 260]], restartMinMs: 1000, restartMaxMs: 30 };
    const run = io();
    expect(await runCli(["camera", "--config", tempFile({ ...good, settings }), "--dry-run", "--duration", "1"], run.io)).toBe(2);
    expect(run.err()).toContain(
      "  - /settings: settings/roi: [700, 500, 60, 40] covers nothing: give [x1, y1, x2, y2] with x2 > x1 and y2 > y1, the top-left corner first (image pixels)\n" +
        "  - /settings: settings/masks/1: [300, 200, 300, 260] covers nothing: give [x1, y1, x2, y2] with x2 > x1 and y2 > y1, the top-left corner first (image pixels)\n" +
        "  - /settings: settings/restartMaxMs: 30 ms is less than restartMinMs (1000 ms): the delay between restarts doubles from restartMinMs up to restartMaxMs (both in milliseconds: 30000 for 30 s)\n",
    );
    expect(run.err()).not.toContain("settings/masks/0");
  });

  it("hands a dry run the store layout given by --layout (a camera's or beacon's zone events need one), and says so without it", async () => {
    const square = (x: number) => [[x, 0], [x + 5, 0], [x + 5, 5], [x, 5]];
    const layout = {
      validFrom: 0,
      timezone: "Europe/Paris",
      floor: { width: 20, height: 10 },
      zones: [
        { id: "door", name: "Door", kind: "entrance", polygon: square(0) },
        { id: "aisle", name: "Aisle", kind: "zone", polygon: square(5) },
        { id: "till", name: "Till", kind: "checkout", polygon: square(10) },
      ],
    };
    const path = tempFile({ ...good, settings: { speed: 3600, seed: 7, startHour: 11.5, tickMs: 20, arrivalsPerHour: 600 } });
    const run = io();
    expect(await runCli(["sim", "--config", path, "--dry-run", "--duration", "0.5", "--layout", tempFile(layout)], run.io)).toBe(0);
    const zones = new Set(run.out().trim().split("\n").map((l) => (JSON.parse(l) as { zone?: string }).zone).filter((z) => z !== undefined));
    expect(zones.size).toBeGreaterThan(0);
    for (const z of zones) expect(["door", "aisle", "till"]).toContain(z);
    expect(run.err()).toMatch(/dry run with the store layout given by --layout zones=door,aisle,till/);
    // Without a dry run it is refused: a running agent takes the server's.
    const live = io();
    expect(await runCli(["sim", "--config", path, "--layout", tempFile(layout)], live.io)).toBe(2);
    expect(live.err()).toMatch(/--layout is for --dry-run/);
    const broken = io();
    expect(await runCli(["sim", "--config", path, "--dry-run", "--layout", tempFile({ zones: "none" })], broken.io)).toBe(2);
    expect(broken.err()).toMatch(/--layout .*: schema/);
  });

  it("says a misspelt kind once, listing the kinds, and sends nobody to a command that does not exist", async () => {
    const run = io();
    expect(await runCli(["camera", "--config", tempFile({ ...good, kind: "camra", settings: { input: "/dev/video0" } })], run.io)).toBe(2);
    expect(run.err()).toMatch(/has 1 problem:\n {2}- \/kind: "camra" is not one of "door", "beacon", "camera", "sim"/);
    expect(run.err()).not.toMatch(/footfall-edge camra/);
    const other = io();
    expect(await runCli(["camera", "--config", tempFile({ ...good, kind: "door", settings: { input: "/dev/video0" } })], other.io)).toBe(2);
    expect(other.err()).toMatch(/the file is for "door" but the command runs "camera"; run `footfall-edge door`/);
  });

  it("requires --config", async () => {
    const run = io();
    expect(await runCli(["sim"], run.io)).toBe(2);
    expect(run.err()).toMatch(/--config/);
  });

  it("lists the sim's settings with their defaults in --help", async () => {
    const run = io();
    expect(await runCli(["sim", "--help"], run.io)).toBe(0);
    expect(run.out()).toMatch(/speed\s+simulated seconds per real second.*default 60/);
    expect(run.out()).toMatch(/FOOTFALL_MQTT_URL/);
  });

  it("lists the settings of a beacon's optional feeds in --help, so that an installer sees how to point it at its gateways", async () => {
    const run = io();
    expect(await runCli(["beacon", "--help"], run.io)).toBe(0);
    expect(run.out()).toMatch(/\n {2}mqtt {4,}gateway feed over MQTT.*\(optional\)\n {2}mqtt\.url {3,}the gateways' broker, e\.g\. mqtt:\/\/192\.168\.1\.10:1883 \(required\)\n/);
    expect(run.out()).toMatch(/mqtt\.receiverFromTopic +take the receiver id from this topic level/);
    expect(run.out()).toMatch(/http\.secret +shared secret/);
    expect(run.out()).toMatch(/http\.port +0: any free port \(logged\) \(default 8091\)/);
  });

  it("refuses to start with what to do when its data folder cannot be made, instead of crashing as a bug", async () => {
    // A folder the agent's user may not make (the examples' /var/lib/footfall-edge for a user who is
    // not root: EACCES); here one under a file (ENOTDIR), which fails for root too.
    const path = tempFile("{}");
    const dataDir = join(path, "data");
    writeFileSync(path, JSON.stringify({ ...good, kind: "door", agent: "door-1", dataDir, settings: { zone: "entrance", input: "http", http: { port: 0, secret: "0123456789abcdef" } } }));
    const run = io();
    expect(await runCli(["door", "--config", path], run.io)).toBe(2);
    expect(run.err()).toBe(
      `footfall-edge: cannot keep the outbox in ${join(dataDir, "door-1.outbox.sqlite")}: ENOTDIR: not a directory, mkdir '${dataDir}'. ` +
        `Create its folder and let the agent's user write it (e.g. sudo install -d -o "$(id -un)" ${dataDir}), ` +
        "or point dataDir (FOOTFALL_EDGE_DATA_DIR) or outbox.path (FOOTFALL_OUTBOX_PATH) at a folder it may write; nothing was sent\n",
    );
  });

  it("runs the sim dry: JSON lines on stdout, logs on stderr", async () => {
    const path = tempFile({ ...good, settings: { speed: 3600, seed: 7, startHour: 11.5, tickMs: 20, arrivalsPerHour: 600 } });
    const run = io();
    expect(await runCli(["sim", "--config", path, "--dry-run", "--duration", "0.5"], run.io)).toBe(0);
    const lines = run.out().trim().split("\n");
    expect(lines.length).toBeGreaterThan(5);
    for (const line of lines) expect(JSON.parse(line)).toHaveProperty("id");
    expect(run.err()).toMatch(/dry run/);
  });
});
