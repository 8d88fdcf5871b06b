/**
 * A hook's health follows its latest delivery outcome: an old attempt that fails after newer ones succeeded does not count
 * against the hook. Two dispatchers (two processes of a chain, or a server and `footfall digest send`) on one real SQLite
 * file and a real HTTP receiver on a local port: the first claims a delivery and its post hangs past its claim (its
 * process stalled: the clock is moved on, Date only), the second takes it over, delivers it and a newer one; then the
 * receiver answers the first post 500. The old dispatcher counted that stale failure on the hook (consecutiveFailures 1,
 * failingSince set, a "delivery failed" warning) though its latest deliveries went through.
 */
import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it, vi } from "vitest";
import { tempDir, waitFor } from "../../../test/support/wait.js";
import { openSqliteStorage } from "../storage/sqlite.js";
import type { Storage } from "../storage/types.js";
import { WebhookDispatcher } from "./dispatcher.js";

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  vi.useRealTimers();
  for (const f of cleanup.splice(0).reverse()) await f();
});

/** A receiver whose first request waits until `answerFirst`; the others get 204 at once. */
async function receiver() {
  const got: string[] = [];
  let held: ServerResponse | null = null;
  const server = createServer((req, res) => {
    got.push(String(req.headers["footfall-delivery"]));
    req.resume();
    if (got.length === 1) held = res;
    else res.writeHead(204).end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  cleanup.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  cleanup.push(() => void server.closeAllConnections());
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    got,
    answerFirst: (status: number) => held!.writeHead(status).end("no"),
  };
}

describe("a stale delivery failure", () => {
  it("does not mark a hook failing whose newer deliveries went through", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(Date.UTC(2026, 11, 7, 9, 0));
    const dir = tempDir("footfall-webhook-stale-");
    const storage: Storage = await openSqliteStorage(dir.path);
    cleanup.push(async () => {
      await storage.close();
      dir.remove();
    });
    const warned: string[] = [];
    const log = { info: () => {}, warn: (_: unknown, msg?: string) => void warned.push(msg ?? ""), error: () => {} };
    const options = { timeoutMs: 60_000, disableAfterFailures: 1 };
    const stalled = new WebhookDispatcher({ storage, log, now: () => Date.now(), options });
    const other = new WebhookDispatcher({ storage, log, now: () => Date.now(), options });
    const r = await receiver();
    const hook = await storage.webhooks.create("s1", { url: r.url, events: [], secret: "whsec_x" }, Date.now());
    const old = (await stalled.sendTest(hook.id))!;

    // The first process posts it; the receiver does not answer yet.
    const first = stalled.deliverNow(hook.id, old.deliveryId);
    await waitFor("the first post", () => r.got.length === 1 || undefined);
    // It stalls past its claim (the lease: the request's timeout and a margin): the other process takes the delivery over.
    vi.setSystemTime(Date.now() + 3_600_000);
    expect(await other.deliverNow(hook.id, old.deliveryId)).toMatchObject({ posted: true, delivery: { status: "delivered", responseStatus: 204 } });
    const newer = (await other.sendTest(hook.id))!;
    expect(await other.deliverNow(hook.id, newer.deliveryId)).toMatchObject({ posted: true, delivery: { status: "delivered" } });
    expect(r.got).toEqual([old.deliveryId, old.deliveryId, newer.deliveryId]);

    // Then the stalled post fails.
    r.answerFirst(500);
    await first;
    // The delivery log keeps what went through; the hook is healthy, enabled, and no failure was logged.
    expect(await storage.webhooks.getDelivery(hook.id, old.deliveryId)).toMatchObject({ status: "delivered", responseStatus: 204, lastError: null });
    expect(await storage.webhooks.get(hook.id)).toMatchObject({ enabled: true, disabledReason: null, consecutiveFailures: 0, failingSince: null });
    expect(warned).toEqual([]);
  });

  it("still counts a failure that is the hook's latest outcome", async () => {
    const dir = tempDir("footfall-webhook-stale-");
    const storage: Storage = await openSqliteStorage(dir.path);
    cleanup.push(async () => {
      await storage.close();
      dir.remove();
    });
    const dispatcher = new WebhookDispatcher({ storage, log: { info: () => {}, warn: () => {}, error: () => {} }, options: { timeoutMs: 60_000 } });
    const r = await receiver();
    const hook = await storage.webhooks.create("s1", { url: r.url, events: [], secret: "whsec_x" }, Date.now());
    const d = (await dispatcher.sendTest(hook.id))!;
    const posted = dispatcher.deliverNow(hook.id, d.deliveryId);
    await waitFor("the post", () => r.got.length === 1 || undefined);
    r.answerFirst(500);
    expect(await posted).toMatchObject({ posted: true, delivery: { status: "pending", responseStatus: 500 } });
    expect(await storage.webhooks.get(hook.id)).toMatchObject({ enabled: true, consecutiveFailures: 1 });
  });
});
