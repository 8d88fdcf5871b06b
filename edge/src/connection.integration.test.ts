/**
 * openConnection against a real broker (Aedes, in-process): what an agent logs of its connection.
 */
import { createServer, type AddressInfo } from "node:net";
import { Aedes } from "aedes";
import { describe, expect, it } from "vitest";
import { openConnection } from "./connection.js";
import { createLogger } from "./log.js";

describe("openConnection", () => {
  it("warns of a broker failure while running, not of the closing socket's errors once the agent stops", async () => {
    const broker = await Aedes.createBroker();
    const server = createServer(broker.handle);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    const lines: string[] = [];
    const log = createLogger({ level: "info", write: (line) => lines.push(line) });
    const client = openConnection({
      url: `mqtt://127.0.0.1:${port}`,
      clientId: "door-1",
      keepaliveS: 30,
      connectTimeoutMs: 5_000,
      reconnectMinMs: 1_000,
      reconnectMaxMs: 30_000,
      will: () => ({ topic: "footfall/v1/stores/shop/agents/door-1/status", payload: '{"state":"offline"}' }),
      log,
    });
    try {
      await new Promise<void>((resolve) => client.once("connect", () => resolve()));
      client.emit("error", Object.assign(new Error("read ECONNRESET"), { code: "ECONNRESET" }));
      expect(lines.filter((l) => l.includes("WARN"))).toHaveLength(1);
      expect(lines[0]).toMatch(/broker connection failed: read ECONNRESET/);
      await client.endAsync();
      // What the closing socket says after end(): seen as 'broker connection failed: write after end; will retry' after a chain's stop.
      client.emit("error", new Error("write after end"));
      expect(lines.filter((l) => l.includes("WARN"))).toHaveLength(1);
      expect(lines.join("\n")).not.toMatch(/write after end/);
    } finally {
      await client.endAsync(true);
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await new Promise<void>((resolve) => broker.close(() => resolve()));
    }
  });
});
