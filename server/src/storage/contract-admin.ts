/**
 * The storage contract of migration 8 (audit log, digest schedules, agent revocation): called by
 * ./contract.ts for every adapter.
 */
import { expect } from "vitest";
import { DIGEST_INTERRUPTED, DIGEST_SEND_LEASE_MS } from "../db/repos/admin.js";
import type { AuditInput, Storage } from "./types.js";

const T0 = Date.UTC(2026, 5, 10);

export function adminContract(test: (title: string, fn: (s: Storage) => Promise<void>) => void): void {
  test("audit: entries come back newest first, paged by id, filtered by time, action (or prefix), actor, target, store", async (s) => {
    const entry = (i: number, action: string, store: string | null, token: string | null): AuditInput => ({
      ts: T0 + i * 1000,
      actor: { tokenId: token, role: token ? "admin" : null, label: token ? "ops" : null },
      action,
      target: `t${i}`,
      store,
      details: i % 2 ? { i, nested: { ok: true } } : null,
    });
    const written = [];
    for (let i = 0; i < 7; i++) written.push(await s.audit.append(entry(i, i < 4 ? "token.create" : "agent.revoke", i % 3 ? "shop" : null, i === 6 ? null : "aaaaaaaaaaaa")));
    expect(new Set(written.map((w) => w.id)).size).toBe(7);
    const all = await s.audit.list({ limit: 100 });
    expect(all.map((e) => e.target)).toEqual(["t6", "t5", "t4", "t3", "t2", "t1", "t0"]);
    expect(all[1]).toEqual({ ...entry(5, "agent.revoke", "shop", "aaaaaaaaaaaa"), id: written[5]!.id });
    expect(all[0]!.actor).toEqual({ tokenId: null, role: null, label: null });
    const page1 = await s.audit.list({ limit: 3 });
    const page2 = await s.audit.list({ limit: 3, before: page1.at(-1)!.id });
    expect([...page1, ...page2].map((e) => e.target)).toEqual(["t6", "t5", "t4", "t3", "t2", "t1"]);
    expect((await s.audit.list({ limit: 100, action: "token." })).map((e) => e.target)).toEqual(["t3", "t2", "t1", "t0"]);
    expect((await s.audit.list({ limit: 100, action: "agent.revoke" })).length).toBe(3);
    expect((await s.audit.list({ limit: 100, action: "agent." , from: T0 + 5000, to: T0 + 6000 })).map((e) => e.target)).toEqual(["t5"]);
    expect((await s.audit.list({ limit: 100, store: "shop" })).map((e) => e.target)).toEqual(["t5", "t4", "t2", "t1"]);
    expect((await s.audit.list({ limit: 100, actor: "aaaaaaaaaaaa", target: "t0" })).map((e) => e.target)).toEqual(["t0"]);
  });

  test("audit: filtered by a set of stores (an admin limited to a group), with the other filters and pages; none: nothing", async (s) => {
    const stores = ["lille", "paris", "lyon", null];
    for (let i = 0; i < 8; i++)
      await s.audit.append({ ts: T0 + i * 1000, actor: { tokenId: null, role: null, label: "cli" }, action: i < 4 ? "token.create" : "layout.save", target: `g${i}`, store: stores[i % 4]!, details: null });
    expect((await s.audit.list({ limit: 100, stores: ["lille", "paris"] })).map((e) => e.target)).toEqual(["g5", "g4", "g1", "g0"]);
    const page1 = await s.audit.list({ limit: 2, stores: ["paris", "lille"], action: "token.", from: T0 });
    expect(page1.map((e) => e.target)).toEqual(["g1", "g0"]);
    expect((await s.audit.list({ limit: 2, stores: ["lille", "paris"], before: (await s.audit.list({ limit: 2, stores: ["lille", "paris"] })).at(-1)!.id })).map((e) => e.target)).toEqual(["g1", "g0"]);
    expect(await s.audit.list({ limit: 100, stores: [] })).toEqual([]);
  });

  test("audit: prune deletes the oldest entries before a time, at most a batch at a time", async (s) => {
    for (let i = 0; i < 5; i++)
      await s.audit.append({ ts: T0 + i * 1000, actor: { tokenId: null, role: null, label: null }, action: "store.settings", target: `p${i}`, store: "shop", details: null });
    expect(await s.audit.prune(T0 + 3500, 2)).toBe(2);
    expect((await s.audit.list({ limit: 100 })).map((e) => e.target)).toEqual(["p4", "p3", "p2"]);
    expect(await s.audit.prune(T0 + 3500, 2)).toBe(2);
    expect(await s.audit.prune(T0 + 3500, 2)).toBe(0);
    expect((await s.audit.list({ limit: 100 })).map((e) => e.target)).toEqual(["p4"]);
  });

  test("digests: saved, listed, replaced (keeping what was sent), removed; a period is claimed once, a failure gives it back", async (s) => {
    const d = { id: "shop-daily", scope: "store" as const, target: "shop", frequency: "daily" as const, recipients: ["a@example.com", "b@example.com"], hour: 7 };
    const fresh = { timeZone: null, webhook: null, createdAt: T0, lastPeriod: null, lastSentAt: null, lastError: null, failedPeriod: null, attempts: 0, retryAt: null, gaveUpAt: null };
    expect(await s.digests.save(d, T0)).toEqual({ ...d, ...fresh });
    await s.digests.save({ ...d, id: "north-weekly", scope: "group", target: "north", frequency: "weekly" }, T0);
    expect((await s.digests.list()).map((x) => x.id)).toEqual(["north-weekly", "shop-daily"]);
    expect(await s.digests.claim("shop-daily", "2026-06-09")).toBe(true);
    expect(await s.digests.claim("shop-daily", "2026-06-09")).toBe(false);
    expect(await s.digests.claim("shop-daily", "2026-06-08")).toBe(false);
    await s.digests.settle("shop-daily", { ok: true, at: T0 + 5, period: "2026-06-09" });
    const saved = await s.digests.save({ ...d, recipients: ["c@example.com"], hour: 8, timeZone: "America/New_York", webhook: "wh_ops" }, T0 + 99);
    expect(saved).toEqual({ ...d, ...fresh, recipients: ["c@example.com"], hour: 8, timeZone: "America/New_York", webhook: "wh_ops", lastPeriod: "2026-06-09", lastSentAt: T0 + 5 });
    expect(await s.digests.claim("shop-daily", "2026-06-10")).toBe(true);
    await s.digests.settle("shop-daily", { ok: false, error: "smtp down", period: "2026-06-10", previous: "2026-06-09", attempts: 1, retryAt: T0 + 60_000, at: T0 });
    expect(await s.digests.get("shop-daily")).toMatchObject({ lastPeriod: "2026-06-09", lastError: "smtp down", lastSentAt: T0 + 5, failedPeriod: "2026-06-10", attempts: 1, retryAt: T0 + 60_000, gaveUpAt: null });
    // Not before the retry time (on any server), then once.
    expect(await s.digests.claim("shop-daily", "2026-06-10", T0 + 59_999)).toBe(false);
    expect(await s.digests.claim("shop-daily", "2026-06-10", T0 + 60_000)).toBe(true);
    // Given up: the period stays taken, the failure is kept until that period is sent.
    await s.digests.settle("shop-daily", { ok: false, error: "still down", period: "2026-06-10", previous: "2026-06-09", attempts: 6, retryAt: null, at: T0 + 70_000 });
    expect(await s.digests.get("shop-daily")).toMatchObject({ lastPeriod: "2026-06-10", lastError: "still down", failedPeriod: "2026-06-10", attempts: 6, retryAt: null, gaveUpAt: T0 + 70_000 });
    expect(await s.digests.claim("shop-daily", "2026-06-10", T0 + 80_000)).toBe(false);
    await s.digests.settle("shop-daily", { ok: true, at: T0 + 90_000, period: "2026-06-11" }); // another period: the failure stays
    expect(await s.digests.get("shop-daily")).toMatchObject({ lastSentAt: T0 + 90_000, lastError: "still down", failedPeriod: "2026-06-10", attempts: 6, gaveUpAt: T0 + 70_000 });
    await s.digests.settle("shop-daily", { ok: true, at: T0 + 95_000, period: "2026-06-10" }); // sent again by hand
    expect(await s.digests.get("shop-daily")).toMatchObject({ lastPeriod: "2026-06-10", lastSentAt: T0 + 95_000, lastError: null, failedPeriod: null, attempts: 0, retryAt: null, gaveUpAt: null });
    expect(await s.digests.claim("shop-daily", "2026-06-11")).toBe(true);
    // Taken at a time: held for the send's lease, so a server killed while sending does not lose the period.
    expect(await s.digests.claim("shop-daily", "2026-06-12", T0 + 100_000)).toBe(true);
    expect(await s.digests.get("shop-daily")).toMatchObject({ lastPeriod: "2026-06-12", retryAt: T0 + 100_000 + DIGEST_SEND_LEASE_MS });
    expect(await s.digests.claim("shop-daily", "2026-06-12", T0 + 100_000 + DIGEST_SEND_LEASE_MS - 1)).toBe(false);
    expect(await s.digests.claim("shop-daily", "2026-06-12", T0 + 100_000 + DIGEST_SEND_LEASE_MS)).toBe(true);
    expect(await s.digests.claim("shop-daily", "2026-06-12", T0 + 100_000 + 2 * DIGEST_SEND_LEASE_MS - 1)).toBe(false);
    await s.digests.settle("shop-daily", { ok: true, at: T0 + 200_000, period: "2026-06-12" });
    expect(await s.digests.get("shop-daily")).toMatchObject({ lastPeriod: "2026-06-12", retryAt: null });
    expect(await s.digests.claim("shop-daily", "2026-06-12", T0 + 10 * DIGEST_SEND_LEASE_MS)).toBe(false);
    expect(await s.digests.remove("shop-daily")).toBe(true);
    expect(await s.digests.remove("shop-daily")).toBe(false);
    expect(await s.digests.get("shop-daily")).toBeUndefined();
  });

  test("digests: a send-now's webhook delivery whose mail failed is remembered per period until one of that period goes (migration 28)", async (s) => {
    const d = { id: "shop-daily", scope: "store" as const, target: "shop", frequency: "daily" as const, recipients: ["a@example.com"], hour: 7, webhook: "wh_ops" };
    await s.digests.save(d, T0);
    expect(await s.digests.pendingResend("shop-daily", "digest:shop-daily:2026-06-09")).toBeNull();
    await s.digests.noteResend("shop-daily", "digest:shop-daily:2026-06-09:0", true);
    await s.digests.noteResend("shop-daily", "digest:shop-daily:2026-06-10:5", true);
    // Another period's send going out leaves it; so does saving the digest.
    await s.digests.noteResend("shop-daily", "digest:shop-daily:2026-06-10:5", false);
    await s.digests.settle("shop-daily", { ok: true, at: T0 + 5, period: "2026-06-10" });
    await s.digests.save({ ...d, hour: 8 }, T0 + 10);
    expect(await s.digests.pendingResend("shop-daily", "digest:shop-daily:2026-06-09")).toBe("digest:shop-daily:2026-06-09:0");
    expect(await s.digests.pendingResend("shop-daily", "digest:shop-daily:2026-06-10")).toBeNull();
    expect(await s.digests.pendingResend("shop-daily", "digest:shop-daily:2026-06-0")).toBeNull();
    await s.digests.noteResend("shop-daily", "digest:shop-daily:2026-06-09:0", false);
    expect(await s.digests.pendingResend("shop-daily", "digest:shop-daily:2026-06-09")).toBeNull();
    await s.digests.noteResend("nope", "digest:nope:2026-06-09:0", true);
    expect(await s.digests.pendingResend("nope", "digest:nope:2026-06-09")).toBeNull();
    await s.digests.remove("shop-daily");
  });

  test("digests: taking again a period whose lease ran out counts the interrupted attempt (a crash every time reaches the limit); a retry's claim counts its attempt", async (s) => {
    const d = { id: "crashy", scope: "store" as const, target: "shop", frequency: "daily" as const, recipients: ["a@example.com"], hour: 7 };
    await s.digests.save(d, T0);
    const L = DIGEST_SEND_LEASE_MS;
    // An older period given up: kept while the new one is taken and sent normally.
    expect(await s.digests.claim("crashy", "2026-06-08", T0)).toBe(true);
    await s.digests.settle("crashy", { ok: false, error: "smtp down", period: "2026-06-08", previous: null, attempts: 6, retryAt: null, at: T0 });
    expect(await s.digests.claim("crashy", "2026-06-09", T0 + 1)).toBe(true);
    expect(await s.digests.get("crashy")).toMatchObject({ lastPeriod: "2026-06-09", failedPeriod: "2026-06-08", attempts: 6, lastError: "smtp down", gaveUpAt: T0, retryAt: T0 + 1 + L });
    // The server was killed while sending: taken again once the lease ran out, the interrupted attempt recorded.
    expect(await s.digests.claim("crashy", "2026-06-09", T0 + 1 + L)).toBe(true);
    expect(await s.digests.get("crashy")).toMatchObject({ lastPeriod: "2026-06-09", failedPeriod: "2026-06-09", attempts: 2, lastError: DIGEST_INTERRUPTED, gaveUpAt: null, retryAt: T0 + 1 + 2 * L });
    // Killed again, and again: each taking counts one more.
    expect(await s.digests.claim("crashy", "2026-06-09", T0 + 1 + 2 * L - 1)).toBe(false);
    expect(await s.digests.claim("crashy", "2026-06-09", T0 + 1 + 2 * L)).toBe(true);
    expect(await s.digests.claim("crashy", "2026-06-09", T0 + 1 + 3 * L)).toBe(true);
    expect(await s.digests.get("crashy")).toMatchObject({ failedPeriod: "2026-06-09", attempts: 4, lastError: DIGEST_INTERRUPTED, retryAt: T0 + 1 + 4 * L });
    // This attempt fails and settles: the period is retried later, and that retry's claim counts too.
    await s.digests.settle("crashy", { ok: false, error: "smtp down", period: "2026-06-09", previous: "2026-06-09", attempts: 4, retryAt: T0 + 1 + 5 * L, at: T0 + 1 + 3 * L });
    expect(await s.digests.claim("crashy", "2026-06-09", T0 + 1 + 5 * L)).toBe(true);
    expect(await s.digests.get("crashy")).toMatchObject({ failedPeriod: "2026-06-09", attempts: 5, lastError: "smtp down" });
    // Given up (the scheduler's limit): not taken again.
    await s.digests.settle("crashy", { ok: false, error: DIGEST_INTERRUPTED, period: "2026-06-09", previous: "2026-06-09", attempts: 6, retryAt: null, at: T0 + 1 + 6 * L });
    expect(await s.digests.claim("crashy", "2026-06-09", T0 + 1 + 7 * L)).toBe(false);
    expect(await s.digests.get("crashy")).toMatchObject({ lastPeriod: "2026-06-09", failedPeriod: "2026-06-09", attempts: 6, retryAt: null, gaveUpAt: T0 + 1 + 6 * L });
    // A period taken and sent without a crash leaves the record of another as it was.
    expect(await s.digests.claim("crashy", "2026-06-10", T0 + 1 + 8 * L)).toBe(true);
    await s.digests.settle("crashy", { ok: true, at: T0 + 1 + 8 * L, period: "2026-06-10" });
    expect(await s.digests.get("crashy")).toMatchObject({ lastPeriod: "2026-06-10", failedPeriod: "2026-06-09", attempts: 6, retryAt: null, gaveUpAt: T0 + 1 + 6 * L });
  });

  test("agents: a revoked agent cannot log in and leaves the broker files; add gives it a new password and lifts it", async (s) => {
    const c = await s.agents.add("shop", "door-1", "door", T0);
    await s.agents.add("shop", "door-2", "door", T0);
    expect(await s.agents.revoke("shop", "door-1", T0 + 10)).toBe(true);
    expect(await s.agents.revoke("shop", "door-9", T0 + 10)).toBe(false);
    expect(await s.agents.authenticate("shop.door-1", c.password)).toBeUndefined();
    expect(await s.agents.credentials("shop.door-1")).toBeUndefined();
    expect(await s.agents.ownersOfClientId("shop-door-1")).toEqual([]);
    expect((await s.agents.passwordEntries()).map((e) => e.username)).toEqual(["shop.door-2"]);
    expect((await s.agents.list("shop")).map((a) => [a.agent, a.revokedAt])).toEqual([
      ["door-1", T0 + 10],
      ["door-2", null],
    ]);
    const again = await s.agents.add("shop", "door-1", "door", T0 + 20);
    expect(await s.agents.authenticate("shop.door-1", again.password)).toEqual({ store: "shop", agent: "door-1", kind: "door" });
    expect((await s.agents.list("shop"))[0]!.revokedAt).toBeNull();
  });
}
