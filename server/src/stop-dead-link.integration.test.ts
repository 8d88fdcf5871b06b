/**
 * A server on PostgreSQL stopping while its link to it has died silently (a firewall or NAT forgot it, a cable cut: no
 * FIN, no RST) stops: an ingest commit, an alert evaluation and the token cache's LISTEN were waiting on answers that
 * never come, and the stop awaited them (and the pools' end) for ever, until a supervisor killed the server. Now each
 * part's stop is bounded, the log says what it gave up on, and nothing acknowledged is lost: a restart on a healthy link
 * holds every event whose commit was acknowledged, and the events whose commit was given up were not acknowledged.
 * Real PostgreSQL (Debian's, started by the test) behind a TCP relay that goes silent (test/support/silent-relay.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import pg from "pg";
import { EventFactory, batchJson, smallLayout } from "../../test/support/fixtures.js";
import { localServerConfig } from "../../test/support/in-process.js";
import { logLines } from "../../test/support/log-lines.js";
import { usePostgres } from "../../test/support/postgres.js";
import { useSilentRelay } from "../../test/support/silent-relay.js";
import { sleep, tempDir, waitFor } from "../../test/support/wait.js";
import { startServer, type RunningServer } from "./server.js";

const postgres = usePostgres();
const relay = useSilentRelay(postgres, "stop_dead");
const dir = tempDir("footfall-stop-dead-");
afterAll(() => dir.remove());

const STORE = "shop";
const agent = new EventFactory("door-1");
const T0 = Date.now() - 3_600_000;

/** Hands `events` to the server's ingest as one MQTT message of door-1; resolves with whether its commit was acknowledged (a receipt). */
const submit = (server: RunningServer, events: readonly unknown[]) =>
  new Promise<boolean>((resolve) =>
    server.ingest.submit({ store: STORE, agent: "door-1", payload: Buffer.from(batchJson("door-1", events)), done: (err) => resolve(!err) }),
  );

const start = (url: string, log = logLines("info")) => startServer(localServerConfig(dir.path, { databaseUrl: url }), { log: log.log, uiDir: null });

let first: RunningServer;
const log = logLines("info");

beforeAll(async () => {
  first = await start(relay.relayedUrl, log);
  const { storage } = first.services;
  const admin = await storage.tokens.add("admin", null, Date.now());
  const put = await first.app.inject({ method: "PUT", url: `/api/v1/stores/${STORE}/layout`, headers: { authorization: `Bearer ${admin}` }, payload: smallLayout() });
  expect(put.statusCode).toBe(200);
  // A rule, so that a commit's touch starts an evaluation of the store (its reads in flight when the link dies).
  await storage.alerts.saveRule({ id: "full", store: STORE, kind: "occupancy", zone: "fruit", threshold: 0.8, forSeconds: 30, cooldownSeconds: 300, enabled: true }, Date.now());
}, 60_000);

describe("a server stopping on a PostgreSQL link that died silently", () => {
  it("stops within its bound, says what it gave up on, and loses nothing acknowledged", async () => {
    // Acknowledged on the live link.
    const before = Array.from({ length: 10 }, (_, i) => agent.enter(`v${i}`, "fruit", T0 + i * 1000));
    expect(await submit(first, before)).toBe(true);

    // The link dies: every connection relayed so far, and each made from now on, passes nothing either way.
    const silence = () => relay.links.forEach((l) => (l.silent = true));
    silence();
    const silencer = setInterval(silence, 1);
    const during = Array.from({ length: 10 }, (_, i) => agent.enter(`w${i}`, "fruit", T0 + 20_000 + i * 1000));
    try {
      // In flight on the dead link: a commit (its receipt never comes) and an evaluation of the store's rule.
      const acknowledged = submit(first, during);
      first.services.alertEvaluator?.touch([STORE]);
      await sleep(500);

      let closed = false;
      void first.close().then(() => (closed = true));
      // Old server: its stop waits on the commit's answer for ever (past this bound: fails).
      await waitFor("the server's stop returned", () => closed || undefined, { timeoutMs: 45_000 });
      // The commit given up was not acknowledged: the agent keeps those events and sends them again.
      expect(await acknowledged).toBe(false);
      const gaveUp = log.lines.filter((l) => typeof l.msg === "string" && l.msg.startsWith("stopping: gave up waiting for"));
      expect(gaveUp.map((l) => l.msg).join("\n")).toMatch(/gave up waiting for the commit of 1 MQTT message\(s\) \(not acknowledged/);
      expect(log.lines.some((l) => l.msg === "footfall server stopped")).toBe(true);
      // Nothing left open on the server's side: every relayed link closed by it (the relay saw its FIN, or its socket closed).
      await waitFor("every connection closed", () => relay.links.every((l) => l.ended || l.client.destroyed) || undefined, { timeoutMs: 20_000 });
    } finally {
      clearInterval(silencer);
    }

    // Restarted on a healthy link: every acknowledged event is there; the agent sends the others again, and they are taken.
    const second = await start(relay.url);
    try {
      const client = new pg.Client({ connectionString: relay.url });
      await client.connect();
      const ids = async () => new Set((await client.query<{ id: string }>("SELECT id FROM events WHERE store = $1", [STORE])).rows.map((r) => r.id));
      try {
        const stored = await ids();
        for (const e of before) expect(stored.has(e.id)).toBe(true);
        expect(await submit(second, during)).toBe(true);
        expect((await ids()).size).toBe(before.length + during.length);
      } finally {
        await client.end();
      }
    } finally {
      await second.close();
    }
  }, 120_000);
});
