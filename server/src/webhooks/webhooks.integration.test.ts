/**
 * Webhooks through real HTTP: a local receiver (test/support/webhook-receiver.ts) that verifies
 * the documented signature, refuses replays, goes down and comes back. Backoff is shortened
 * (milliseconds instead of seconds) so that minutes of downtime play in seconds; the HTTP is real.
 */
import { createHmac } from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { WebhookReceiver } from "../../../test/support/webhook-receiver.js";
import { sleep, tempDir, waitFor } from "../../../test/support/wait.js";
import { usePostgres } from "../../../test/support/postgres.js";
import { openPgStorage } from "../storage-pg/adapter.js";
import { openSqliteStorage } from "../storage/sqlite.js";
import type { Storage } from "../storage/types.js";
import { WebhookDispatcher, type WebhookOptions } from "./dispatcher.js";

const quiet = { info: () => {}, warn: () => {}, error: () => {} };
const FAST: Partial<WebhookOptions> = { baseDelayMs: 20, maxDelayMs: 200, timeoutMs: 2000 };

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

/** A clock `speed` times faster than real time, for the server and the receiver alike (timers divided). */
function fastClock(speed: number) {
  const t0 = Date.now();
  return {
    now: () => t0 + (Date.now() - t0) * speed,
    setTimer: (fn: () => void, ms: number) => setTimeout(fn, ms / speed),
    sleep: (ms: number) => sleep(ms / speed),
  };
}
type Clock = ReturnType<typeof fastClock>;

/** Where the queue lives: a SQLite folder, or (below) a PostgreSQL database; `open` again after a close is a restart. */
interface Db {
  open(): Promise<Storage>;
  remove(): void;
}
const sqliteDb = (): Db => {
  const dir = tempDir("footfall-webhooks-");
  return { open: async () => openSqliteStorage(dir.path), remove: () => dir.remove() };
};
let newDb: () => Db = sqliteDb;

async function setup(opts: Partial<WebhookOptions> = FAST, clock?: Clock) {
  const dir = newDb();
  let storage: Storage = await dir.open();
  const receiver = new WebhookReceiver("", 300, clock?.now);
  await receiver.up();
  const hook = await storage.webhooks.create("s1", { url: receiver.url, events: ["alert.*"], secret: "whsec_test_secret" }, Date.now());
  (receiver as { secret: string }).secret = "whsec_test_secret";
  const timing = clock ? { now: clock.now, setTimer: clock.setTimer } : {};
  let dispatcher = new WebhookDispatcher({ storage, log: quiet, options: opts, ...timing });
  dispatcher.start();
  cleanup.push(async () => {
    await dispatcher.stop();
    await receiver.down();
    await storage.close();
    dir.remove();
  });
  return {
    get storage() {
      return storage;
    },
    get dispatcher() {
      return dispatcher;
    },
    receiver,
    hook,
    /** Stop the dispatcher, close and reopen the database, start a new dispatcher (a server restart). */
    async restart() {
      await dispatcher.stop();
      await storage.close();
      storage = await dir.open();
      dispatcher = new WebhookDispatcher({ storage, log: quiet, options: opts, ...timing });
      dispatcher.start();
    },
  };
}

const alert = (n: number) => ({ deliveryId: `n${n}`, type: "alert.firing", store: "s1", at: Date.now(), data: { n } });

function suite(): void {
  it("sign each request so that a receiver following the README verifies it, with the delivery id and event type as headers", async () => {
    const { dispatcher, receiver } = await setup();
    await dispatcher.notify(alert(1));
    await waitFor("the delivery", () => receiver.taken.length === 1);
    expect(receiver.refused).toEqual([]);
    expect(receiver.taken[0]).toMatchObject({ id: "n1", type: "alert.firing", body: { id: "n1", type: "alert.firing", store: "s1", data: { n: 1 } } });
  });

  it("is refused by the receiver when replayed: a reused delivery id is not taken twice, an old timestamp or a changed body not at all", async () => {
    const { receiver } = await setup();
    const body = JSON.stringify({ id: "r1", type: "alert.firing", store: "s1", at: 0, data: {} });
    const send = (t: number, b: string, id = "r1", sigBody = b) =>
      fetch(receiver.url, {
        method: "POST",
        body: b,
        headers: {
          "footfall-signature": `t=${t},v1=${createHmac("sha256", "whsec_test_secret").update(`${t}.${sigBody}`).digest("hex")}`,
          "footfall-delivery": id,
          "footfall-event": "alert.firing",
        },
      });
    const now = Math.floor(Date.now() / 1000);
    expect((await send(now, body)).status).toBe(204);
    expect((await send(now, body)).status).toBe(200); // the same request again: acknowledged, not taken
    expect((await send(now - 301, body, "r2")).status).toBe(401); // outside the 5-minute window
    expect((await send(now, body.replace("s1", "s2"), "r3", body)).status).toBe(401); // body changed after signing
    expect(receiver.taken.map((d) => d.id)).toEqual(["r1"]);
    expect(receiver.refused.map((r) => r.why)).toEqual([
      "delivery id already taken (a replay): ignored",
      "timestamp outside the replay window",
      "bad signature",
    ]);
  });

  it("deliver every alert, in order, exactly once per delivery id, to a receiver that was down and then failing, retrying with backoff", async () => {
    const { storage, dispatcher, receiver, hook } = await setup();
    await dispatcher.notify(alert(0));
    await waitFor("the first delivery", () => receiver.taken.length === 1);
    // Down (connection refused) for a while, then up but answering 503 for a while: 30 alerts meanwhile.
    await receiver.down();
    for (let n = 1; n <= 15; n++) await dispatcher.notify(alert(n));
    await sleep(1500);
    receiver.failing = true;
    await receiver.up();
    for (let n = 16; n <= 30; n++) await dispatcher.notify(alert(n));
    await waitFor("a retry answered 503", () => receiver.failed.length >= 3);
    receiver.failing = false;
    await waitFor("every alert", () => receiver.taken.length === 31, { timeoutMs: 20_000 });
    expect(receiver.taken.map((d) => d.id)).toEqual(Array.from({ length: 31 }, (_, n) => `n${n}`));
    // The retries were of the head of the queue only (in order: n1 waited, nothing overtook it).
    expect(new Set(receiver.failed)).toEqual(new Set(["n1"]));
    // The receiver counts a delivery when the request arrives; the dispatcher records it once the answer is back.
    const log = await waitFor("every delivery recorded as delivered", async () => {
      const l = await storage.webhooks.deliveries(hook.id, 100);
      return l.length === 31 && l.every((d) => d.status === "delivered") && l;
    });
    const n1 = log.find((d) => d.deliveryId === "n1")!;
    expect(n1.attempts).toBeGreaterThan(4);
    expect((await storage.webhooks.get(hook.id))!).toMatchObject({ enabled: true, consecutiveFailures: 0, failingSince: null });
    await sleep(300);
    expect(receiver.taken).toHaveLength(31);
  }, 40_000);

  it("deliver every alert, in order, exactly once each, to a receiver down for 5 minutes, with the default backoff (a clock 100 times faster)", async () => {
    const clock = fastClock(100);
    const { storage, dispatcher, receiver, hook } = await setup({}, clock);
    const at = () => ({ at: clock.now() });
    await dispatcher.notify({ ...alert(0), ...at() });
    await waitFor("the first delivery", () => receiver.taken.length === 1);
    await receiver.down();
    const downAt = clock.now();
    // An alert every 20 s of the 5 minutes down.
    for (let n = 1; n <= 15; n++) {
      await dispatcher.notify({ ...alert(n), ...at() });
      await clock.sleep(20_000);
    }
    await receiver.up();
    const upAt = clock.now();
    expect(upAt - downAt).toBeGreaterThanOrEqual(300_000);
    for (let n = 16; n <= 20; n++) await dispatcher.notify({ ...alert(n), ...at() });
    await waitFor("every alert", () => receiver.taken.length === 21, { timeoutMs: 20_000 });
    expect(receiver.taken.map((d) => d.id)).toEqual(Array.from({ length: 21 }, (_, n) => `n${n}`));
    expect(receiver.refused).toEqual([]);
    const n1 = (await storage.webhooks.getDelivery(hook.id, "n1"))!;
    // Retried with backoff: 1, 2, 4 ... s (jittered to half or more), capped: 5 minutes take several attempts, not hundreds.
    expect(n1.attempts).toBeGreaterThanOrEqual(5);
    expect(n1.attempts).toBeLessThanOrEqual(12);
    expect((await storage.webhooks.get(hook.id))!.enabled).toBe(true);
    await clock.sleep(60_000);
    expect(receiver.taken).toHaveLength(21);
  }, 40_000);

  it("resume the queue after a restart, in order, without sending again what was delivered", async () => {
    const t = await setup();
    await t.dispatcher.notify(alert(1));
    await waitFor("n1", () => t.receiver.taken.length === 1);
    await t.receiver.down();
    for (let n = 2; n <= 6; n++) await t.dispatcher.notify(alert(n));
    await waitFor("a failed attempt", async () => ((await t.storage.webhooks.head(t.hook.id))?.attempts ?? 0) >= 1);
    await t.restart();
    await t.receiver.up();
    await waitFor("every alert", () => t.receiver.taken.length === 6, { timeoutMs: 15_000 });
    expect(t.receiver.taken.map((d) => d.id)).toEqual(["n1", "n2", "n3", "n4", "n5", "n6"]);
    expect(t.receiver.refused).toEqual([]);
  });

  it("disable a hook after repeated failures with the reason, keep its queue, and send it in order once enabled again", async () => {
    const t = await setup({ ...FAST, disableAfterFailures: 4 });
    await t.receiver.down();
    await t.dispatcher.notify(alert(1));
    await t.dispatcher.notify(alert(2));
    const hook = await waitFor("the hook disabled", async () => {
      const h = await t.storage.webhooks.get(t.hook.id);
      return h && !h.enabled ? h : undefined;
    });
    expect(hook.disabledReason).toMatch(/^disabled after 4 failed attempts in a row since .*ECONNREFUSED.*enable the hook again/);
    // While disabled, nothing is attempted and new alerts are not queued for it.
    await t.dispatcher.notify(alert(3));
    await t.receiver.up();
    await sleep(400);
    expect(t.receiver.taken).toEqual([]);
    await t.storage.webhooks.update(t.hook.id, { enabled: true });
    t.dispatcher.kick();
    await waitFor("the queued alerts", () => t.receiver.taken.length === 2);
    expect(t.receiver.taken.map((d) => d.id)).toEqual(["n1", "n2"]);
  });

  it("send only the types a hook asked for, a test ping whatever its filter, and give up a delivery after its last attempt", async () => {
    const t = await setup({ ...FAST, maxAttempts: 2 });
    await t.dispatcher.notify({ deliveryId: "o1", type: "occupancy", store: "s1", at: 0, data: {} });
    await t.dispatcher.notify({ deliveryId: "x1", type: "alert.firing", store: "other-store", at: 0, data: {} });
    const ping = await t.dispatcher.sendTest(t.hook.id);
    await waitFor("the ping", () => t.receiver.taken.length === 1);
    expect(t.receiver.taken[0]).toMatchObject({ id: ping!.deliveryId, type: "ping", body: { store: "s1", data: { hook: t.hook.id } } });
    t.receiver.failing = true;
    // The receiver is fixed the moment n1 is given up (before n2's first attempt: one at a time).
    t.dispatcher.onAttempt((d) => {
      if (d.deliveryId === "n1" && d.status === "given_up") t.receiver.failing = false;
    });
    await t.dispatcher.notify(alert(1));
    await t.dispatcher.notify(alert(2));
    await waitFor("n1 given up", async () => (await t.storage.webhooks.getDelivery(t.hook.id, "n1"))?.status === "given_up");
    const n1 = (await t.storage.webhooks.getDelivery(t.hook.id, "n1"))!;
    expect(n1).toMatchObject({ attempts: 2, lastError: "HTTP 503", responseStatus: 503 });
    await waitFor("n2", () => t.receiver.taken.some((d) => d.id === "n2"));
    expect(t.receiver.taken.map((d) => d.id)).toEqual([ping!.deliveryId, "n2"]);
  });
}

describe("webhooks (SQLite)", suite);

describe("webhooks (PostgreSQL)", () => {
  const pg = usePostgres();
  beforeAll(() => {
    newDb = () => {
      const url = pg.database();
      return { open: () => openPgStorage(url), remove: () => {} };
    };
  });
  afterAll(() => {
    newDb = sqliteDb;
  });
  suite();
});
