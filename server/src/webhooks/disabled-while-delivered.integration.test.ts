/**
 * A hook disabled for failing by one process while another gets its next delivery through is enabled again: its health
 * is its latest outcome, and the automatic reason ('1 failed attempts in a row') no longer holds once its failure count
 * is 0. Two dispatchers (two servers of a chain, or a server and `footfall digest send`) on one real SQLite file (and on
 * Debian's PostgreSQL, a storage each) and a
 * real HTTP receiver on a local port that holds each request until the test answers it. The first process's last attempt
 * at a delivery fails and gives it up, and that failure disables the hook; its write of the hook's health is held (a slow
 * process) until the other process has claimed and posted the next delivery; the post then goes through. The old
 * dispatcher left the hook disabled, 'disabled after 1 failed attempts in a row', with consecutiveFailures 0. And when
 * the success is written first and the failure's disable after it: the old dispatcher left it disabled, failures 1.
 * An admin's disable stays (admin-disable.integration).
 */
import { afterEach, describe, expect, it } from "vitest";
import { holdingReceiver } from "../../../test/support/holding-receiver.js";
import { tempDir, waitFor } from "../../../test/support/wait.js";
import { createMetrics } from "../metrics.js";
import { usePostgres } from "../../../test/support/postgres.js";
import { openPgStorage } from "../storage-pg/adapter.js";
import { openSqliteStorage } from "../storage/sqlite.js";
import type { Storage, WebhookHealth } from "../storage/types.js";
import { WebhookDispatcher } from "./dispatcher.js";

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

/** A receiver that holds every request until `answer` (oldest first), closed after the test. */
async function receiver() {
  const r = await holdingReceiver();
  cleanup.push(() => r.close());
  return r;
}

type Backend = "sqlite" | "postgres";
const pg = usePostgres();
/** The storages of the two processes: one SQLite file's (the same handle), one PostgreSQL database's (two, as two servers). */
const opened: Record<Backend, () => Promise<[Storage, Storage]>> = {
  sqlite: async () => {
    const dir = tempDir("footfall-webhook-redisable-");
    const storage = await openSqliteStorage(dir.path);
    cleanup.push(async () => {
      await storage.close();
      dir.remove();
    });
    return [storage, storage];
  },
  postgres: async () => {
    const url = pg.database("footfall_webhook_redisable");
    const a = await openPgStorage(url);
    const b = await openPgStorage(url);
    cleanup.push(() => a.close());
    cleanup.push(() => b.close());
    return [a, b];
  },
};

/**
 * Two processes on one database and a holding receiver: the first process's last attempt at d1 fails (given up, and
 * the hook to be disabled: one failure does), its write of the hook's health held until `release`; the other process
 * posts d2 meanwhile.
 */
async function race(backend: Backend) {
  const [storage, otherStorage] = await opened[backend]();
  const infos: string[] = [];
  const warned: string[] = [];
  const log = { info: (_: unknown, msg?: string) => void infos.push(msg ?? ""), warn: (_: unknown, msg?: string) => void warned.push(msg ?? ""), error: () => {} };
  // A delivery is given up after one failed attempt, and one failure disables the hook.
  const options = { timeoutMs: 60_000, maxAttempts: 1, disableAfterFailures: 1 };
  // The first process's first write of the hook's health waits for `release` (the process is slow there).
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  let healthHeld = false;
  const slowStorage: Storage = {
    ...storage,
    webhooks: {
      ...storage.webhooks,
      setHealth: async (id: string, h: WebhookHealth) => {
        if (!healthHeld) {
          healthHeld = true;
          await released;
        }
        return storage.webhooks.setHealth(id, h);
      },
    },
  };
  const metrics = createMetrics();
  const first = new WebhookDispatcher({ storage: slowStorage, log, options, metrics });
  const other = new WebhookDispatcher({ storage: otherStorage, log, options });
  const r = await receiver();
  const hook = await storage.webhooks.create("s1", { url: r.url, events: [], secret: "whsec_x" }, Date.now());
  const d1 = (await first.sendTest(hook.id))!;
  const d2 = (await first.sendTest(hook.id))!;

  // The first process posts d1; the receiver fails it: d1 is given up, and the hook is to be disabled (held).
  const firstDone = first.deliverNow(hook.id, d1.deliveryId);
  await waitFor("the first post", () => r.held.length === 1 || undefined);
  r.answer(500);
  await waitFor("the first process's disable", () => healthHeld || undefined);
  expect(await storage.webhooks.getDelivery(hook.id, d1.deliveryId)).toMatchObject({ status: "given_up" });

  // The other process posts d2, the hook's head now, while it is still enabled.
  const otherDone = other.deliverNow(hook.id, d2.deliveryId);
  await waitFor("the other post", () => r.held.length === 1 || undefined);
  expect(r.got).toEqual([d1.deliveryId, d2.deliveryId]);
  return { storage, hook, r, other, firstDone, otherDone, release, infos, warned, metrics };
}

/** The hook goes on: a new notification is queued and sent. */
async function stillSends(t: Awaited<ReturnType<typeof race>>) {
  const d3 = (await t.other.sendTest(t.hook.id))!;
  const third = t.other.deliverNow(t.hook.id, d3.deliveryId);
  await waitFor("the third post", () => t.r.held.length === 1 || undefined);
  t.r.answer(204);
  expect(await third).toMatchObject({ posted: true, delivery: { status: "delivered" } });
}

const disabledWords = /^disabled after 1 failed attempts in a row/;

describe.each(["sqlite", "postgres"] as const)("a hook disabled for failing while another process delivers to it (%s)", (backend) => {
  it("is enabled again by that delivery's success, written after the disable, its failures cleared", async () => {
    const t = await race(backend);
    // The first process disables the hook for failing.
    t.release();
    await t.firstDone;
    expect(await t.storage.webhooks.get(t.hook.id)).toMatchObject({ enabled: false, consecutiveFailures: 1, disabledReason: expect.stringMatching(disabledWords) as unknown });

    // Then d2 goes through: the receiver works, the failing run is over, and so is the disable it caused.
    t.r.answer(204);
    expect(await t.otherDone).toMatchObject({ posted: true, delivery: { status: "delivered", responseStatus: 204 } });
    expect(await t.storage.webhooks.get(t.hook.id)).toMatchObject({ enabled: true, disabledReason: null, consecutiveFailures: 0, failingSince: null });
    expect(t.infos).toContain("webhooks: a hook disabled for failing while a delivery was posted got that delivery through; enabled again");
    await stillSends(t);
  });

  it("is not left disabled by the failure's write landing after that success", async () => {
    const t = await race(backend);
    // d2 goes through first, its success written while the first process's failure is still to be written.
    t.r.answer(204);
    expect(await t.otherDone).toMatchObject({ posted: true, delivery: { status: "delivered", responseStatus: 204 } });
    t.release();
    await t.firstDone;
    // The latest outcome is d2's success: enabled, no failing run, not counted nor said as a hook disabled.
    expect(await t.storage.webhooks.get(t.hook.id)).toMatchObject({ enabled: true, disabledReason: null, consecutiveFailures: 0, failingSince: null });
    expect((await t.metrics.webhooksDisabled.get()).values.reduce((n, v) => n + v.value, 0)).toBe(0);
    expect(t.warned.filter((m) => m.includes("is disabled"))).toEqual([]);
    expect(t.warned).toContain("webhooks: a delivery was given up after its last attempt; a later one has gone through since");
    await stillSends(t);
  });
});
