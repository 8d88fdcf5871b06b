/**
 * An admin's disable made while a delivery is being posted stays: the post's outcome moves the hook's counts, not its
 * switch. One real SQLite file, a real HTTP receiver on a local port holding the post while the admin disables the hook
 * (as PATCH /webhooks/:id {enabled: false} does). The old dispatcher, on a success ending a failing run, set the hook
 * enabled again with no reason: the admin's disable was undone by the post it was meant to stop after.
 */
import { afterEach, describe, expect, it } from "vitest";
import { holdingReceiver } from "../../../test/support/holding-receiver.js";
import { tempDir, waitFor } from "../../../test/support/wait.js";
import { createMetrics } from "../metrics.js";
import { openSqliteStorage } from "../storage/sqlite.js";
import type { Storage } from "../storage/types.js";
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

async function failingHook(options: { disableAfterFailures?: number } = {}) {
  const dir = tempDir("footfall-webhook-admin-");
  const storage: Storage = await openSqliteStorage(dir.path);
  cleanup.push(async () => {
    await storage.close();
    dir.remove();
  });
  const metrics = createMetrics();
  const warned: string[] = [];
  const dispatcher = new WebhookDispatcher({ storage, metrics, log: { info: () => {}, warn: (_o: unknown, msg?: string) => void warned.push(msg ?? ""), error: () => {} }, options: { timeoutMs: 60_000, ...options } });
  const r = await receiver();
  const hook = await storage.webhooks.create("s1", { url: r.url, events: [], secret: "whsec_x" }, Date.now());
  // In a failing run: two failed attempts before this one.
  await storage.webhooks.setHealth(hook.id, { consecutiveFailures: 2, failingSince: Date.now() - 60_000, enabled: true, disabledReason: null });
  const d = (await dispatcher.sendTest(hook.id))!;
  const posted = dispatcher.deliverNow(hook.id, d.deliveryId);
  await waitFor("the post", () => r.held.length === 1 || undefined);
  // The admin disables the hook while it is being posted.
  await storage.webhooks.update(hook.id, { enabled: false, disabledReason: "disabled by an admin" });
  return { storage, hook, r, posted, metrics, warned };
}

describe("an admin's disable during a post", () => {
  it("stays when the post goes through", async () => {
    const { storage, hook, r, posted } = await failingHook();
    r.answer(204);
    expect(await posted).toMatchObject({ posted: true, delivery: { status: "delivered" } });
    // The run of failures is over; the hook is still off, with the admin's words.
    expect(await storage.webhooks.get(hook.id)).toMatchObject({ enabled: false, disabledReason: "disabled by an admin", consecutiveFailures: 0, failingSince: null });
  });

  it("stays, with the admin's words, when the post fails and would have disabled it anyway", async () => {
    const { storage, hook, r, posted, metrics, warned } = await failingHook({ disableAfterFailures: 3 });
    r.answer(500);
    expect(await posted).toMatchObject({ posted: true, delivery: { status: "pending", responseStatus: 500 } });
    expect(await storage.webhooks.get(hook.id)).toMatchObject({ enabled: false, disabledReason: "disabled by an admin", consecutiveFailures: 3 });
    // The admin disabled it, not this failure: not counted as a hook disabled for failing, not logged as one.
    expect((await metrics.webhooksDisabled.get()).values.reduce((n, v) => n + v.value, 0)).toBe(0);
    expect((await metrics.webhookFailures.get()).values.reduce((n, v) => n + v.value, 0)).toBe(1);
    expect(warned.filter((m) => m.includes("is disabled"))).toEqual([]);
  });
});
