import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import net, { type AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Aedes } from "aedes";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { silentLogger } from "../../log.js";
import { SalesUploader } from "./sales-upload.js";
import { testSalesImport } from "./test-sales-import.js";

const CLI = fileURLToPath(new URL("../../../dist/cli.js", import.meta.url));


/** A broker on a TCP port that acknowledges every batch: with `receipts: "off"` its PUBACK settles the simulator's events. */
async function ackingBroker(): Promise<{ port: number; close: () => Promise<void> }> {
  const broker = await Aedes.createBroker();
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    broker.handle(socket);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    port: (server.address() as AddressInfo).port,
    async close() {
      sockets.forEach((s) => s.destroy());
      await new Promise<void>((r) => server.close(() => r()));
      await new Promise<void>((r) => broker.close(() => r()));
    },
  };
}

describe("the simulator's tills killed outright (built dist)", () => {
  const dirs: string[] = [];
  beforeAll(() => {
    if (!existsSync(CLI)) throw new Error("edge/dist/cli.js is missing: run `npm run build` first (npm test does)");
  });
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it("a SIGKILLed simulator loses no till transaction it had already offered the import: the next run sends each once", async () => {
    const imp = await testSalesImport();
    const broker = await ackingBroker();
    const dir = mkdtempSync(join(tmpdir(), "footfall-sales-kill-"));
    dirs.push(dir);
    const configPath = join(dir, "sim.json");
    writeFileSync(
      configPath,
      JSON.stringify({
        store: "demo",
        agent: "sim-1",
        dataDir: dir,
        // A broker whose PUBACK settles the events (a till transaction goes once its store's events before it are settled); the tills talk HTTP to the import.
        mqtt: { url: `mqtt://127.0.0.1:${broker.port}` },
        receipts: "off",
        settings: { seed: 7, speed: 600, startHour: 12, arrivalsPerHour: 600, layoutWaitMs: 0, backfillHours: 1, sales: { url: imp.url, token: "tok", everySeconds: 0.1 } },
      }),
    );
    const child = spawn(process.execPath, [CLI, "sim", "--config", configPath], { stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (d: Buffer) => (output += d.toString()));
    child.stderr.on("data", (d: Buffer) => (output += d.toString()));
    const exited = new Promise<NodeJS.Signals | null>((r) => child.on("exit", (_code, signal) => r(signal)));
    try {
      // The import has refused a few uploads, the live store making more sales between them.
      const deadline = Date.now() + 30_000;
      const offered = () => imp.tried.size;
      while (offered() < 50 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      const before = offered();
      while (offered() === before && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      expect(offered(), output).toBeGreaterThan(before);
      child.kill("SIGKILL");
      expect(await exited).toBe("SIGKILL");
    } finally {
      child.kill("SIGKILL");
      await broker.close();
    }
    const offeredBeforeKill = [...imp.tried];

    // The next start, the import answering now.
    imp.state.busy = false;
    const next = new SalesUploader({ url: imp.url, token: "tok", log: silentLogger, file: join(dir, "sim-1.sales.jsonl") });
    expect(next.kept, output).toBeGreaterThanOrEqual(offeredBeforeKill.length);
    await next.flush();
    expect(next.waiting).toBe(0);
    expect(offeredBeforeKill.filter((t) => !imp.stored.has(t))).toEqual([]);
    expect([...imp.stored.values()].filter((n) => n > 1)).toEqual([]);
    await imp.close();
  }, 60_000);
});
