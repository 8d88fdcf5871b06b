import { createServer, type AddressInfo } from "node:net";
import { Aedes } from "aedes";
import { describe, expect, it } from "vitest";
import { backoffDelay, connectionHint, openConnection } from "./connection.js";
import { createLogger } from "./log.js";

describe("backoffDelay", () => {
  it("doubles from the minimum after each failed attempt", () => {
    const mid = () => 0.5; // no jitter
    expect([1, 2, 3, 4].map((n) => backoffDelay(n, 1000, 30_000, mid))).toEqual([1000, 2000, 4000, 8000]);
  });

  it("stops growing at the maximum", () => {
    expect(backoffDelay(20, 1000, 30_000, () => 0.5)).toBe(30_000);
  });

  it("spreads retries by ±20% so that many agents do not reconnect in step", () => {
    expect(backoffDelay(1, 1000, 30_000, () => 0)).toBe(800);
    expect(backoffDelay(1, 1000, 30_000, () => 0.999999)).toBe(1200);
  });
});

describe("connectionHint", () => {
  const err = (message: string, code?: string | number) => Object.assign(new Error(message), code === undefined ? {} : { code });
  it("says what to do when TLS does not match the port, or the certificate is not trusted", () => {
    // mqtts:// to the broker's plain port: what mqtt.js reports (seen against the embedded broker).
    expect(connectionHint(err("Client network socket disconnected before secure TLS connection was established", "ECONNRESET"), "mqtts://127.0.0.1:1883")).toMatch(
      /does not speak TLS on this port: use its TLS port \(often 8883\) with mqtts:\/\/, or mqtt:\/\/ on its plain port/,
    );
    expect(connectionHint(err("self-signed certificate", "DEPTH_ZERO_SELF_SIGNED_CERT"), "mqtts://broker:8883")).toMatch(/NODE_EXTRA_CA_CERTS/);
    expect(connectionHint(err("read ECONNRESET", "ECONNRESET"), "mqtt://broker:8883")).toMatch(/if this port expects TLS \(often 8883\), use mqtts:\/\//);
  });
  it("keeps the hints it had: credentials, an unreachable broker", () => {
    expect(connectionHint(err("Connection refused: Bad username or password", 4), "mqtt://b:1883")).toMatch(/footfall agent add/);
    expect(connectionHint(err("connect ECONNREFUSED", "ECONNREFUSED"), "mqtt://b:1883")).toMatch(/is the broker running/);
  });
});

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
