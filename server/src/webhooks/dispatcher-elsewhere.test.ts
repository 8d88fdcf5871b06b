/**
 * A chain's server leaves the hooks of stores another server ingests to that server (README "A chain"):
 * it looks again every 5 s whether the store moved here, and reads the queue no more often meanwhile.
 * It used to try the same due head again as soon as its look ended, reading the database without end
 * while any delivery of another server's store was due (a receiver down, a slow one in flight).
 * Real SQLite storage and a real receiver; the dispatcher's clock and timers are the test's.
 */
import { afterEach, describe, expect, it } from "vitest";
import { tempDir, waitFor } from "../../../test/support/wait.js";
import { WebhookReceiver } from "../../../test/support/webhook-receiver.js";
import { openSqliteStorage } from "../storage/sqlite.js";
import { WebhookDispatcher } from "./dispatcher.js";

const quiet = { info: () => {}, warn: () => {}, error: () => {} };
const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

/** Lets every pending callback and I/O of the event loop run, `turns` times. */
const turns = async (n: number) => {
  for (let i = 0; i < n; i++) await new Promise<void>((resolve) => setImmediate(resolve));
};

describe("a chain's dispatcher and the hooks of stores it does not ingest", () => {
  it("reads the queue again only when it looks again (5 s later), and sends the hook once its store moved here", async () => {
    const dir = tempDir("footfall-webhooks-elsewhere-");
    const storage = await openSqliteStorage(dir.path);
    const receiver = new WebhookReceiver("whsec_x");
    await receiver.up();
    let heads = 0;
    const readHeads = storage.webhooks.heads.bind(storage.webhooks);
    // Counted, and read after a turn of the event loop as a PostgreSQL round trip is (SQLite's answer comes at once).
    storage.webhooks.heads = async () => {
      heads++;
      await new Promise<void>((resolve) => setImmediate(resolve));
      return readHeads();
    };
    let now = Date.now();
    let here = false;
    const timers: { fn: () => void; ms: number }[] = [];
    const dispatcher = new WebhookDispatcher({
      storage,
      log: quiet,
      now: () => now,
      setTimer: (fn, ms) => {
        timers.push({ fn, ms });
        return setTimeout(() => {}, 0);
      },
      dispatchesHere: () => here,
    });
    cleanup.push(async () => {
      await dispatcher.stop();
      await receiver.down();
      await storage.close();
      dir.remove();
    });
    const hook = await storage.webhooks.create("s1", { url: receiver.url, events: [], secret: "whsec_x" }, now);
    dispatcher.start();
    await dispatcher.notify({ deliveryId: "n1", type: "alert.firing", store: "s1", at: now, data: {} });

    // Not here: it schedules its look again in 5 s...
    await waitFor("the look again in 5 s", () => timers.some((t) => t.ms === 5000));
    const read = heads;
    // ...and meanwhile reads nothing more (old code: the queue read again and again, thousands of times a second).
    await turns(50);
    expect(heads - read).toBe(0);
    expect(receiver.taken).toEqual([]);
    expect((await storage.webhooks.getDelivery(hook.id, "n1"))!).toMatchObject({ status: "pending", attempts: 0 });

    // 5 s later the store's shard is here: the delivery goes out.
    here = true;
    now += 5000;
    timers.find((t) => t.ms === 5000)!.fn();
    await waitFor("the delivery", () => receiver.taken.length === 1);
    expect(receiver.taken.map((d) => d.id)).toEqual(["n1"]);
  });
});
