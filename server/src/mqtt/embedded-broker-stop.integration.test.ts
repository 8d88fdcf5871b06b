/**
 * The embedded broker as the server stops: the commits of what was queued go on after it closed, so
 * their receipts cannot go out. That is expected and loses nothing (the agents send those events
 * again and the server counts each once), and it is said once: a chain demo's Ctrl-C printed 112
 * warnings "could not publish a receipt; the agent will send those events again" in a row.
 */
import { Writable } from "node:stream";
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { freePort } from "../../../test/support/ports.js";
import { waitFor } from "../../../test/support/wait.js";
import { CONNACK } from "../auth/mqtt-auth.js";
import { startEmbeddedBroker } from "./embedded-broker.js";
import type { TransportHandlers } from "./transport.js";

describe("the embedded broker once closed", () => {
  it("says once that receipts are not sent as the server stops, instead of a warning per message", async () => {
    const lines: { level: number; msg: string }[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        for (const line of chunk.toString().split("\n")) if (line.trim()) lines.push(JSON.parse(line) as { level: number; msg: string });
        done();
      },
    });
    const handlers: TransportHandlers = { events: (m) => m.done(), status: () => {}, audit: () => {}, reject: () => {}, isKnownAgent: () => Promise.resolve(true) };
    const broker = await startEmbeddedBroker({ port: await freePort(), host: "127.0.0.1", log: pino({ level: "info" }, sink), handlers, login: () => Promise.resolve({ ok: false, returnCode: CONNACK.badCredentials, reason: "bad_credentials", message: "no logins in this test" }) });
    await broker.close();
    const before = lines.length;
    for (let i = 0; i < 40; i++) broker.publishReceipt(`store-${i % 4}`, "sim-1", { settled: [`sim-1:b:${i}`], rejected: [] });
    // Each publish answers (an error: the broker is closed); the last one's line, or the one line, comes once all have.
    await waitFor("the broker's answers to be logged", () => lines.length > before, { timeoutMs: 10_000 });
    await new Promise((r) => setImmediate(r));
    await new Promise((r) => setTimeout(r, 0));
    const said = lines.slice(before);
    expect(said.filter((l) => l.level >= 40)).toEqual([]);
    expect(said.map((l) => l.msg)).toEqual([
      "the broker is closed as the server stops: receipts of the events still being committed are not sent; their agents send them again at their next connection and the server counts each once",
    ]);
  }, 30_000);
});
