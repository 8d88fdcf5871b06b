/**
 * The webhooks part of the storage contract (./contract.ts): hooks, their durable delivery queue
 * and log. Called from `storageContract` with its `test`.
 */
import { describe, expect } from "vitest";
import type { Storage } from "./types.js";

type ContractTest = (title: string, fn: (s: Storage) => Promise<void>) => void;

const T = 1_790_000_000_000;
const msg = (n: number) => ({ deliveryId: `d${n}`, type: "alert.firing", payload: JSON.stringify({ n }) });

export function webhooksContract(test: ContractTest): void {
  describe("webhooks", () => {
    test("a hook is created enabled, listed per store without its secret, and its secret read back for signing", async (s) => {
      const a = await s.webhooks.create("s1", { url: "http://127.0.0.1:9/a", events: ["alert.firing"], secret: "whsec_a" }, T);
      await s.webhooks.create("s2", { url: "http://127.0.0.1:9/b", events: [], secret: "whsec_b" }, T + 1);
      expect(a).toEqual({
        id: a.id,
        store: "s1",
        url: "http://127.0.0.1:9/a",
        events: ["alert.firing"],
        enabled: true,
        disabledReason: null,
        createdAt: T,
        consecutiveFailures: 0,
        failingSince: null,
      });
      expect(a.id).toMatch(/^wh_[0-9a-f]{16}$/);
      expect(await s.webhooks.list("s1")).toEqual([a]);
      expect(JSON.stringify(await s.webhooks.list("s1"))).not.toContain("whsec_a");
      expect(await s.webhooks.secret(a.id)).toBe("whsec_a");
      expect(await s.webhooks.get("wh_nope")).toBeUndefined();
      expect(await s.webhooks.secret("wh_nope")).toBeUndefined();
    });

    test("update changes url and events; disabling keeps a reason; enabling clears it and the failure run", async (s) => {
      const a = await s.webhooks.create("s1", { url: "http://x/a", events: [], secret: "k" }, T);
      await s.webhooks.setHealth(a.id, { consecutiveFailures: 7, failingSince: T + 5, enabled: false, disabledReason: "failing for 24 h" });
      expect(await s.webhooks.get(a.id)).toMatchObject({ enabled: false, disabledReason: "failing for 24 h", consecutiveFailures: 7, failingSince: T + 5 });
      expect(await s.webhooks.update(a.id, { url: "http://x/b", events: ["alert.resolved"] })).toMatchObject({
        url: "http://x/b",
        events: ["alert.resolved"],
        enabled: false,
        disabledReason: "failing for 24 h",
      });
      expect(await s.webhooks.update(a.id, { enabled: true })).toMatchObject({ enabled: true, disabledReason: null, consecutiveFailures: 0, failingSince: null });
      expect(await s.webhooks.update(a.id, { enabled: false, disabledReason: "by admin" })).toMatchObject({ enabled: false, disabledReason: "by admin" });
      expect(await s.webhooks.update("wh_nope", { enabled: true })).toBeUndefined();
    });

    test("deliveries queue in order per hook; a delivery id is queued once; heads are each enabled hook's first pending", async (s) => {
      const a = await s.webhooks.create("s1", { url: "http://x/a", events: [], secret: "k" }, T);
      const b = await s.webhooks.create("s1", { url: "http://x/b", events: [], secret: "k" }, T);
      const d1 = await s.webhooks.enqueue(a.id, msg(1), T);
      await s.webhooks.enqueue(b.id, msg(1), T);
      const d2 = await s.webhooks.enqueue(a.id, msg(2), T + 1);
      expect(d1).toMatchObject({ deliveryId: "d1", hookId: a.id, type: "alert.firing", payload: '{"n":1}', attempts: 0, nextAttemptAt: T, status: "pending", lastError: null, responseStatus: null, finishedAt: null });
      expect(d2!.seq).toBeGreaterThan(d1!.seq);
      expect(await s.webhooks.enqueue(a.id, msg(1), T + 2)).toBeUndefined();
      expect((await s.webhooks.heads()).map((d) => [d.hookId, d.deliveryId]).sort()).toEqual([[a.id, "d1"], [b.id, "d1"]].sort());

      await s.webhooks.recordAttempt(a.id, "d1", { status: "pending", attempts: 1, nextAttemptAt: T + 1000, lastError: "HTTP 503", responseStatus: 503, finishedAt: null });
      expect(await s.webhooks.head(a.id)).toMatchObject({ deliveryId: "d1", attempts: 1, nextAttemptAt: T + 1000, lastError: "HTTP 503", responseStatus: 503 });
      await s.webhooks.recordAttempt(a.id, "d1", { status: "delivered", attempts: 2, nextAttemptAt: T + 1000, lastError: null, responseStatus: 200, finishedAt: T + 1001 });
      expect((await s.webhooks.head(a.id))?.deliveryId).toBe("d2");
      expect(await s.webhooks.getDelivery(a.id, "d1")).toMatchObject({ status: "delivered", attempts: 2, responseStatus: 200, finishedAt: T + 1001 });

      // A disabled hook has no head; its queue waits.
      await s.webhooks.update(b.id, { enabled: false, disabledReason: "x" });
      expect((await s.webhooks.heads()).map((d) => d.hookId)).toEqual([a.id]);
      expect((await s.webhooks.deliveries(a.id)).map((d) => d.deliveryId)).toEqual(["d2", "d1"]);
      expect((await s.webhooks.deliveries(a.id, 1)).map((d) => d.deliveryId)).toEqual(["d2"]);
    });

    test("the delivery log pages back past any limit: before a delivery's seq, newest first, only the hook's", async (s) => {
      const a = await s.webhooks.create("s1", { url: "http://x/a", events: [], secret: "k" }, T);
      const b = await s.webhooks.create("s1", { url: "http://x/b", events: [], secret: "k" }, T);
      for (let n = 1; n <= 7; n++) {
        await s.webhooks.enqueue(a.id, msg(n), T + n);
        await s.webhooks.enqueue(b.id, msg(n), T + n);
      }
      const pages: string[][] = [];
      let before: number | undefined;
      // At most 5 pages (a hang guard: a cursor not followed would page forever).
      for (let i = 0; i < 5; i++) {
        const page = await s.webhooks.deliveries(a.id, 3, before);
        if (page.length === 0) break;
        pages.push(page.map((d) => d.deliveryId));
        before = page.at(-1)!.seq;
      }
      expect(pages).toEqual([["d7", "d6", "d5"], ["d4", "d3", "d2"], ["d1"]]);
      const d5 = (await s.webhooks.getDelivery(a.id, "d5"))!;
      expect((await s.webhooks.deliveries(a.id, 100, d5.seq)).map((d) => [d.hookId, d.deliveryId])).toEqual([4, 3, 2, 1].map((n) => [a.id, `d${n}`]));
      // A seq no delivery has (pruned meanwhile) still pages: those queued before it.
      expect((await s.webhooks.deliveries(a.id, 100, d5.seq + 1)).map((d) => d.deliveryId)).toEqual(["d5", "d4", "d3", "d2", "d1"]);
    });

    test("(migration 29) a delivery is claimed by one process at a time: of 8 claims at once one wins; a claim runs out, or ends with the attempt", async (s) => {
      const a = await s.webhooks.create("s1", { url: "http://x/a", events: [], secret: "k" }, T);
      await s.webhooks.enqueue(a.id, msg(1), T);
      // At once (on PostgreSQL, 8 connections of the pool): exactly one gets the delivery.
      const claims = await Promise.all([...Array(8).keys()].map((n) => s.webhooks.claim(a.id, "d1", `p${n}`, T, 60_000)));
      expect(claims.filter((c) => c !== undefined)).toHaveLength(1);
      expect(claims.find((c) => c !== undefined)).toMatchObject({ deliveryId: "d1", hookId: a.id, status: "pending", attempts: 0 });
      expect(await s.webhooks.claim(a.id, "d1", "late", T, 60_000)).toBeUndefined();
      // The attempt's record ends the claim: due again, it is claimed again.
      await s.webhooks.recordAttempt(a.id, "d1", { status: "pending", attempts: 1, nextAttemptAt: T + 1000, lastError: "HTTP 503", responseStatus: 503, finishedAt: null });
      expect(await s.webhooks.claim(a.id, "d1", "early", T + 999, 60_000)).toBeUndefined();
      expect(await s.webhooks.claim(a.id, "d1", "q", T + 1000, 150)).toMatchObject({ attempts: 1, lastError: "HTTP 503" });
      // A claim that ran out (its process killed mid-post) is taken by another.
      expect(await s.webhooks.claim(a.id, "d1", "r", T + 1000, 60_000)).toBeUndefined();
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(await s.webhooks.claim(a.id, "d1", "r", T + 1000, 60_000)).toMatchObject({ deliveryId: "d1" });
      // Sent: no claim.
      await s.webhooks.recordAttempt(a.id, "d1", { status: "delivered", attempts: 2, nextAttemptAt: T + 1000, lastError: null, responseStatus: 200, finishedAt: T + 2000 });
      expect(await s.webhooks.claim(a.id, "d1", "s", T + 5000, 60_000)).toBeUndefined();
      expect(await s.webhooks.claim(a.id, "nope", "s", T + 5000, 60_000)).toBeUndefined();
    });

    test("(migration 29) an attempt whose claim ran out mid-post and was taken by another is not recorded over the other's outcome", async (s) => {
      const a = await s.webhooks.create("s1", { url: "http://x/a", events: [], secret: "k" }, T);
      await s.webhooks.enqueue(a.id, msg(1), T);
      const failed = { status: "pending" as const, attempts: 1, nextAttemptAt: T + 60_000, lastError: "no answer within 10000 ms", responseStatus: null, finishedAt: null };
      const delivered = { status: "delivered" as const, attempts: 1, nextAttemptAt: T, lastError: null, responseStatus: 204, finishedAt: T + 2000 };
      // p claims it and stalls past its claim; q takes it, posts it and records it delivered; then p's post fails.
      expect(await s.webhooks.claim(a.id, "d1", "p", T, 150)).toMatchObject({ deliveryId: "d1" });
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(await s.webhooks.claim(a.id, "d1", "q", T, 60_000)).toMatchObject({ deliveryId: "d1" });
      expect(await s.webhooks.recordAttempt(a.id, "d1", delivered, "q")).toBe(true);
      // Not recorded, and it says so (the dispatcher then leaves the hook's health to the outcome recorded).
      expect(await s.webhooks.recordAttempt(a.id, "d1", failed, "p")).toBe(false);
      // Sent: not pending again (a retry would post it a third time), its log says 204.
      expect(await s.webhooks.getDelivery(a.id, "d1")).toMatchObject({ status: "delivered", responseStatus: 204, lastError: null });
      // While q still posts it, p's record neither ends q's claim nor says anything.
      await s.webhooks.enqueue(a.id, msg(2), T);
      expect(await s.webhooks.claim(a.id, "d2", "p", T, 150)).toMatchObject({ deliveryId: "d2" });
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(await s.webhooks.claim(a.id, "d2", "q", T, 60_000)).toMatchObject({ deliveryId: "d2" });
      expect(await s.webhooks.recordAttempt(a.id, "d2", failed, "p")).toBe(false);
      expect(await s.webhooks.getDelivery(a.id, "d2")).toMatchObject({ status: "pending", attempts: 0, lastError: null });
      expect(await s.webhooks.claim(a.id, "d2", "r", T, 60_000)).toBeUndefined();
      // q's own record ends its claim.
      await s.webhooks.recordAttempt(a.id, "d2", delivered, "q");
      expect(await s.webhooks.getDelivery(a.id, "d2")).toMatchObject({ status: "delivered" });
    });

    test("prune keeps the newest finished deliveries and every pending one; remove deletes the hook and its deliveries", async (s) => {
      const a = await s.webhooks.create("s1", { url: "http://x/a", events: [], secret: "k" }, T);
      for (let n = 1; n <= 5; n++) await s.webhooks.enqueue(a.id, msg(n), T + n);
      for (const n of [1, 2, 3]) await s.webhooks.recordAttempt(a.id, `d${n}`, { status: n === 2 ? "given_up" : "delivered", attempts: 1, nextAttemptAt: T, lastError: null, responseStatus: 200, finishedAt: T + 10 });
      expect(await s.webhooks.prune(a.id, 1)).toBe(2);
      expect((await s.webhooks.deliveries(a.id)).map((d) => d.deliveryId)).toEqual(["d5", "d4", "d3"]);
      expect(await s.webhooks.remove(a.id)).toBe(true);
      expect(await s.webhooks.remove(a.id)).toBe(false);
      expect(await s.webhooks.deliveries(a.id)).toEqual([]);
      expect(await s.webhooks.list("s1")).toEqual([]);
    });
  });
}
