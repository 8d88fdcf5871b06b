import { spawn } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, writeFileSync } from "node:fs";
import net, { type AddressInfo } from "node:net";
import { tmpdir, userInfo } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Aedes, type AedesPublishPacket } from "aedes";
import { beforeAll, describe, expect, it } from "vitest";
import { decodeBatch, topics } from "@footfall/core";

const CLI = fileURLToPath(new URL("../dist/cli.js", import.meta.url));

/** What the server's `footfall demo` does: spawn the built bin with a config file and env overrides. */
describe("footfall-edge as a child process (built dist)", () => {
  // A missing tool fails loudly (with the command that installs it) instead of skipping.
  beforeAll(() => {
    if (!(existsSync(CLI))) throw new Error("edge/dist/cli.js is missing: run `npm run build` first (npm test does)");
  });

  it("runs the sim against a broker with env overrides and stops cleanly on SIGTERM", async () => {
    const broker = await Aedes.createBroker({
      authenticate: (_c, username, password, done) => done(null, username === "demo-sim-1" && password?.toString() === "pw"),
    });
    const published: AedesPublishPacket[] = [];
    broker.on("publish", (p) => void (p.topic.startsWith("$SYS") ? null : published.push(p)));
    const server = net.createServer({ noDelay: true }, broker.handle);
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const port = (server.address() as AddressInfo).port;
    const dir = mkdtempSync(join(tmpdir(), "footfall-cli-"));
    const configPath = join(dir, "sim.json");
    writeFileSync(configPath, JSON.stringify({ store: "placeholder", agent: "placeholder", settings: { speed: 600, seed: 1, startHour: 12, arrivalsPerHour: 600, layoutWaitMs: 200 } }));

    const child = spawn(process.execPath, [CLI, "sim", "--config", configPath], {
      env: { ...process.env, FOOTFALL_MQTT_URL: `mqtt://127.0.0.1:${port}`, FOOTFALL_STORE: "demo", FOOTFALL_AGENT: "sim-1", FOOTFALL_MQTT_USERNAME: "demo-sim-1", FOOTFALL_MQTT_PASSWORD: "pw" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((r) => child.on("exit", (code) => r(code)));
    try {
      const deadline = Date.now() + 15_000;
      while (!published.some((p) => p.topic === topics.events("demo", "sim-1")) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      child.kill("SIGTERM");
      expect(await exited).toBe(0);
    } finally {
      child.kill("SIGKILL");
      await new Promise<void>((r) => server.close(() => r()));
      await new Promise<void>((r) => broker.close(() => r()));
    }
    const events = published.filter((p) => p.topic === topics.events("demo", "sim-1"));
    expect(events.length, stderr).toBeGreaterThan(0);
    for (const p of events) {
      const decoded = decodeBatch(p.payload, (b) => Buffer.from(b).toString("utf8"));
      expect(decoded.ok && decoded.value.rejected).toEqual([]);
    }
    const status = published.filter((p) => p.topic === topics.status("demo", "sim-1")).map((p) => JSON.parse(p.payload.toString()) as { state: string; reason?: string });
    expect(status[0]?.state).toBe("online");
    expect(status.at(-1)).toMatchObject({ state: "offline", reason: "SIGTERM" });
    expect(stderr).toMatch(/connected to mqtt:\/\/127\.0\.0\.1/);
    expect(stderr).toMatch(/stopped/);
  });

  it("never logs a password given in the broker URL (mqtt://user:password@host)", async () => {
    const free = net.createServer();
    await new Promise<void>((r) => free.listen(0, "127.0.0.1", r));
    const port = (free.address() as AddressInfo).port;
    await new Promise<void>((r) => free.close(() => r()));
    const dir = mkdtempSync(join(tmpdir(), "footfall-cli-"));
    const configPath = join(dir, "sim.json");
    writeFileSync(configPath, JSON.stringify({ store: "demo", agent: "sim-1", dataDir: dir, settings: { layoutWaitMs: 200 } }));
    const child = spawn(process.execPath, [CLI, "sim", "--config", configPath, "--duration", "2"], {
      env: { ...process.env, FOOTFALL_MQTT_URL: `mqtt://demo-sim-1:top-secret-pw@127.0.0.1:${port}` },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (d: Buffer) => (output += d.toString()));
    child.stderr.on("data", (d: Buffer) => (output += d.toString()));
    expect(await new Promise<number | null>((r) => child.on("exit", (code) => r(code)))).toBe(0);
    expect(output).toMatch(`starting kind=sim store=demo agent=sim-1`);
    expect(output).toMatch(`url=mqtt://demo-sim-1:***@127.0.0.1:${port}`);
    expect(output).toMatch(/broker connection failed: connect ECONNREFUSED/);
    expect(output).not.toContain("top-secret-pw");
  }, 30_000);

  it("says a config its user may not read is a permission to give, not a path to check (a service's config installed root-only)", async () => {
    // As footfall-edge@.service runs it: as its own user, the config root's with mode 0600. As root here, the agent runs as
    // nobody; as anyone else, the file is made unreadable to its owner.
    const dir = mkdtempSync(join(tmpdir(), "footfall-cli-"));
    const configPath = join(dir, "door-1.json");
    writeFileSync(configPath, JSON.stringify({ store: "demo", agent: "door-1", settings: { zone: "entrance" } }), { mode: 0o600 });
    const asRoot = process.getuid?.() === 0;
    if (!asRoot) chmodSync(configPath, 0o000);
    const [cmd, ...args] = asRoot ? ["runuser", "-u", "nobody", "--", process.execPath, CLI, "door", "--config", configPath] : [process.execPath, CLI, "door", "--config", configPath];
    const child = spawn(cmd!, args, { stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    expect(await new Promise<number | null>((r) => child.on("exit", (code) => r(code)))).toBe(2);
    // Before: "cannot read <file> (EACCES): check the --config path".
    expect(stderr).toContain(`cannot read ${configPath} (EACCES): user ${asRoot ? "nobody" : userInfo().username} may not read it; make it readable by the agent's user`);
    expect(stderr).not.toMatch(/check the --config path/);
  }, 30_000);
});
