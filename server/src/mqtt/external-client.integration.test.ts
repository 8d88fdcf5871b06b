/**
 * The single server as a client of Debian's mosquitto: mqtt.js reads nothing while a message waits
 * for its commit, so a long backlog once hid the PINGRESP behind the messages until the keepalive
 * timed out and the connection was made again.
 */
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { userInfo } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { MqttClient } from "mqtt";
import { Mosquitto } from "../../../test/support/mosquitto.js";
import { connectMqtt } from "../../../test/support/mqtt.js";
import { slowCommits } from "../../../test/support/slow-commits.js";
import { freePort } from "../../../test/support/ports.js";
import { tempDir, waitFor } from "../../../test/support/wait.js";
import { topics } from "@footfall/core";
import { Writable } from "node:stream";
import { pino } from "pino";
import { createLogger, redactUrl } from "../log.js";
import { connectExternalBroker } from "./external-client.js";
import type { TransportHandlers } from "./transport.js";

describe("connectExternalBroker behind a backlog (Debian's mosquitto)", () => {
  let broker: Mosquitto;
  let pub: MqttClient;
  beforeAll(async () => {
    broker = await Mosquitto.anonymous();
    pub = await connectMqtt({ url: broker.url, username: "", password: "" });
  });
  afterAll(async () => {
    await pub?.endAsync();
    await broker?.stop();
  });

  it("commits a message every 40 ms for ~5 s (over three keepalives) without a reconnect: nothing is delivered twice", async () => {
    const ingest = slowCommits(40);
    const transport = await connectExternalBroker({
      url: broker.url,
      clientId: "keepalive-backlog",
      log: createLogger("silent"),
      keepaliveS: 1, // a ping after 1 s, a timeout 1.5 s after the last sign of life
      handlers: ingest.handlers,
    });
    try {
      await waitFor("connected", () => transport.connected());
      await new Promise((r) => setTimeout(r, 300)); // the subscription
      const sent: string[] = [];
      for (let i = 0; i < 120; i++) {
        sent.push(`m-${i}`);
        await pub.publishAsync(topics.events("s1", "a1"), `m-${i}`, { qos: 1 });
      }
      await waitFor("every message taken and committed", () => sent.every((b) => ingest.seen.has(b)) && ingest.held.length === 0, { timeoutMs: 30_000 });
      expect(ingest.copies()).toEqual([]);
      expect(ingest.seen.size).toBe(sent.length);
    } finally {
      ingest.stop();
      await transport.close();
    }
  }, 60_000);
});

describe("connectExternalBroker while the broker is away (Debian's mosquitto stopped and started)", () => {
  it("says the outage once and the way back with how long it took, not a line or two a second", async () => {
    const broker = await Mosquitto.anonymous();
    const lines: { level: number; msg: string; err?: string; awayS?: number }[] = [];
    const log = pino({ level: "debug" }, new Writable({ write: (chunk: Buffer, _enc, done) => (lines.push(JSON.parse(chunk.toString())), done()) }));
    const handlers: TransportHandlers = { events: (m) => m.done(), status: () => {}, audit: () => {}, reject: () => {}, isKnownAgent: () => Promise.resolve(true) };
    const t = await connectExternalBroker({ url: broker.url, log, handlers });
    try {
      await broker.stop();
      // mqtt.js tries every second: some five attempts fail while the broker is away.
      await new Promise((r) => setTimeout(r, 5_500));
      await broker.start();
      await waitFor("the server connected again", () => t.connected());
      await waitFor("the line saying so", () => lines.some((l) => l.msg === "connected to the MQTT broker again"));
      const said = lines.filter((l) => l.level >= 30).map((l) => l.msg);
      expect(said.filter((m) => m.startsWith("reconnecting"))).toEqual(["reconnecting to the MQTT broker (it tries every second until it is back)"]);
      // Each failure said is a new answer (the stop may reset the socket first: read ECONNRESET), never the same one again.
      const errors = lines.filter((l) => l.level >= 50).map((l) => l.err ?? "");
      expect(errors.filter((e) => /ECONNREFUSED/.test(e))).toHaveLength(1);
      // A broker that was there a moment ago is said to be away, not the URL or credentials to be checked.
      expect(lines.find((l) => l.level >= 50 && /ECONNREFUSED/.test(l.err ?? ""))!.msg).toBe(
        "the MQTT broker does not answer (restarting or stopped?): the server tries again every second and says once when it is back; if it lasts, check the broker (systemctl status mosquitto, its log)",
      );
      expect(errors.length).toBeLessThanOrEqual(2);
      errors.forEach((e, i) => i > 0 && expect(e).not.toBe(errors[i - 1]));
      // Every failed attempt is still there at debug, for whoever asks for it.
      expect(lines.filter((l) => l.level === 20 && /^(MQTT error|the MQTT broker does not answer)/.test(l.msg)).length).toBeGreaterThanOrEqual(2);
      expect(lines.find((l) => l.msg === "connected to the MQTT broker again")).toMatchObject({ level: 30, awayS: expect.any(Number), failedAttempts: expect.any(Number) });
      expect(lines.find((l) => l.msg === "connected to the MQTT broker again")!.awayS).toBeGreaterThanOrEqual(5);
    } finally {
      await t.close();
      await broker.dispose();
    }
  }, 60_000);
});

describe("connectExternalBroker when it cannot connect (the start's one line)", () => {
  const dir = tempDir("footfall-broker-login-");
  let broker: Mosquitto;
  beforeAll(async () => {
    const passwd = join(dir.path, "passwd");
    writeFileSync(passwd, "");
    const made = spawnSync("mosquitto_passwd", ["-b", passwd, "footfall-server", "right"], { encoding: "utf8" });
    expect(made.status, made.stderr).toBe(0);
    const port = await freePort();
    broker = await Mosquitto.withConf(
      (data) => [`listener ${port} 127.0.0.1`, "allow_anonymous false", `password_file ${passwd}`, `persistence_location ${data}/`, `user ${userInfo().username}`, "log_dest stderr", "log_type error", ""].join("\n"),
      port,
    );
  });
  afterAll(async () => {
    await broker?.dispose();
    dir.remove();
  });
  const handlers = (): TransportHandlers => ({ events: (m) => m.done(), status: () => {}, audit: () => {}, reject: () => {}, isKnownAgent: () => Promise.resolve(true) });

  it("a refused login fails at once naming the credentials, not as a broker that does not answer", async () => {
    const t0 = Date.now();
    const failed = await connectExternalBroker({ url: broker.url, username: "footfall-server", password: "wrong", log: createLogger("silent"), handlers: handlers() }).then(
      () => null,
      (err: Error) => err,
    );
    expect(failed?.message).toBe(
      `the MQTT broker at ${broker.url} refused the server's login (Connection refused: Not authorized): check FOOTFALL_MQTT_USERNAME and FOOTFALL_MQTT_PASSWORD against the broker's password file (footfall broker-config writes the server's user)`,
    );
    expect(Date.now() - t0).toBeLessThan(5_000);
    const ok = await connectExternalBroker({ url: broker.url, username: "footfall-server", password: "right", log: createLogger("silent"), handlers: handlers() });
    await ok.close();
  });

  it("never logs or says a password given in FOOTFALL_MQTT_URL (mqtt://user:password@host)", async () => {
    const lines: string[] = [];
    const log = pino({ level: "debug" }, new Writable({ write: (chunk: Buffer, _enc, done) => (lines.push(chunk.toString()), done()) }));
    const url = (password: string) => broker.url.replace("mqtt://", `mqtt://footfall-server:${password}@`);
    const ok = await connectExternalBroker({ url: url("right"), log, handlers: handlers() });
    await ok.close();
    const failed = await connectExternalBroker({ url: url("wrong-secret"), log, handlers: handlers() }).then(
      () => null,
      (err: Error) => err,
    );
    expect(failed?.message).toMatch(`the MQTT broker at ${url("***")} refused the server's login`);
    expect(lines.join("")).toContain(`"url":"${url("***")}"`);
    expect(lines.join("") + failed!.message).not.toMatch(/right@|wrong-secret/);
    expect(redactUrl("mqtts://broker.example.com:8883")).toBe("mqtts://broker.example.com:8883");
  });

  it("a port nothing listens on fails after the wait with the network's answer", async () => {
    const url = `mqtt://127.0.0.1:${await freePort()}`;
    const failed = await connectExternalBroker({ url, log: createLogger("silent"), handlers: handlers() }).then(
      () => null,
      (err: Error) => err,
    );
    expect(failed?.message).toMatch(new RegExp(`^could not connect to the MQTT broker at ${url} within 10 s \\(connect ECONNREFUSED [^)]+\\): is it running, and is FOOTFALL_MQTT_URL right\\?$`));
  }, 30_000);
});

describe("connectExternalBroker's close when the broker is gone (Debian's mosquitto stopped or frozen)", () => {
  const handlers: TransportHandlers = {
    events: (m) => m.done(),
    status: () => {},
    audit: () => {},
    reject: () => {},
    isKnownAgent: () => Promise.resolve(true),
  };

  /**
   * Whether `close` ended within 15 s: a hang guard, not a timing check (the old close hung for minutes
   * on a broker gone or frozen; the bounded one gives up after 2 s).
   */
  async function closes(t: { close(): Promise<void> }): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const hung = new Promise<false>((r) => (timer = setTimeout(() => r(false), 15_000)));
    const ended = await Promise.race([t.close().then(() => true), hung]);
    clearTimeout(timer);
    return ended;
  }

  it("still says offline (retained) and ends cleanly when the broker answers", async () => {
    const broker = await Mosquitto.anonymous();
    try {
      const t = await connectExternalBroker({ url: broker.url, log: createLogger("silent"), handlers });
      await waitFor("connected", () => t.connected());
      expect(await closes(t)).toBe(true);
      const sub = await connectMqtt({ url: broker.url, username: "", password: "" });
      const got: string[] = [];
      sub.on("message", (_topic, payload) => got.push(payload.toString()));
      await sub.subscribeAsync(topics.availability(), { qos: 1 });
      await waitFor("the retained availability", () => got.length > 0);
      expect(got).toEqual(["offline"]);
      await sub.endAsync();
    } finally {
      await broker.dispose();
    }
  }, 30_000);

  it("closes after the broker stopped with a retained publish in flight (SIGTERM of a server whose broker went first)", async () => {
    const broker = await Mosquitto.anonymous();
    const t = await connectExternalBroker({ url: broker.url, log: createLogger("silent"), handlers });
    try {
      await waitFor("connected", () => t.connected());
      await broker.stop();
      await waitFor("the server saw it go", () => !t.connected());
      if (!t.publishRetained) throw new Error("the external client publishes retained figures");
      void t.publishRetained("footfall/v1/s1/occupancy", '{"ts":1,"total":0}').catch(() => {}); // in flight: no broker to take it
      expect(await closes(t)).toBe(true);
    } finally {
      await broker.dispose();
    }
  }, 30_000);

  it("closes when the broker still holds the connection but answers nothing (hung, or the link cut): no PUBACK for the offline availability", async () => {
    const broker = await Mosquitto.anonymous();
    const t = await connectExternalBroker({ url: broker.url, log: createLogger("silent"), handlers });
    const proc = (broker as unknown as { child: { proc: { kill(signal: string): void } } }).child.proc;
    try {
      await waitFor("connected", () => t.connected());
      proc.kill("SIGSTOP");
      expect(await closes(t)).toBe(true);
    } finally {
      proc.kill("SIGCONT");
      await broker.dispose();
    }
  }, 30_000);
});
