/**
 * The token cache of the PostgreSQL adapter (./token-cache.ts) on Debian's PostgreSQL: two
 * storages on one database stand for two servers of a chain. A token checked on B is answered
 * from B's cache afterwards (no round trip), and revoked on A it is refused by B as soon as the
 * NOTIFY arrives (test/e2e/chain-ops.test.ts: B's next HTTP request after the revoke's answer).
 */
import { beforeAll, describe, expect, it } from "vitest";
import { usePostgres } from "../../../test/support/postgres.js";
import { waitFor } from "../../../test/support/wait.js";
import { openPgStorage, type PgStorage } from "./adapter.js";
import { TokenCache } from "./token-cache.js";

const server = usePostgres();
let a: PgStorage;
let b: PgStorage;
let url: string;
beforeAll(async () => {
  url = server.database("footfall_tokens");
  a = await openPgStorage(url);
  server.onClose(() => a.close());
  b = await openPgStorage(url);
  server.onClose(() => b.close());
});

describe("verified tokens cached on each server, revocations at once across servers (LISTEN/NOTIFY)", () => {
  it("answers a checked token from the cache, refuses it on B the moment A revoked it, and does the same for a token revoked by id", async () => {
    const now = Date.now();
    const { token, info } = await a.tokens.create("viewer", null, now, { label: "tablet" });
    // B's first check starts its listener; once it listens, checks are kept.
    await waitFor("B's token cache to listen", async () => {
      await b.tokens.check(token, Date.now());
      return b.tokenCacheStats().listening;
    });
    expect(await b.tokens.check(token, Date.now())).toMatchObject({ ok: true });
    const before = b.tokenCacheStats().hits;
    for (let i = 0; i < 5; i++) expect(await b.tokens.check(token, Date.now())).toMatchObject({ ok: true, principal: { role: "viewer", tokenId: info.id } });
    expect(b.tokenCacheStats().hits - before).toBe(5);
    // The live hub's check by id is answered from the cache too.
    const beforeValid = b.tokenCacheStats().hits;
    expect(await b.tokens.isValid(info.id, Date.now())).toBe(true);
    expect(b.tokenCacheStats().hits - beforeValid).toBe(1);

    // B's revocation listeners (its live hub) hear of a revocation made elsewhere, once; A's hear of their own once too.
    const heardB: string[] = [];
    const heardA: string[] = [];
    b.tokens.onRevoked((id) => heardB.push(id));
    a.tokens.onRevoked((id) => heardA.push(id));
    // Revoked on A: B refuses it as soon as the notice arrives (A answers after its own copy, sent at the same commit;
    // B's, in this same process, may be read a moment later), never after the cache's time to live.
    expect(await a.tokens.revoke(info.id, Date.now())).toMatchObject({ id: info.id });
    await waitFor("B to refuse the revoked token", async () => (await b.tokens.check(token, Date.now())).ok === false, { timeoutMs: 2_000, intervalMs: 5 });
    expect(await b.tokens.check(token, Date.now())).toMatchObject({ ok: false, why: "revoked" });
    expect(await b.tokens.isValid(info.id, Date.now())).toBe(false);
    await waitFor("B's listeners to hear of the revocation", () => heardB.length > 0, { timeoutMs: 2_000, intervalMs: 5 });
    await new Promise((r) => setTimeout(r, 200));
    expect(heardB).toEqual([info.id]);
    expect(heardA).toEqual([info.id]);

    // A second token, revoked by the token itself from a storage that never listened (as `footfall token revoke` does from the CLI).
    const second = await a.tokens.create("admin", null, Date.now());
    expect(await b.tokens.check(second.token, Date.now())).toMatchObject({ ok: true });
    expect(await b.tokens.check(second.token, Date.now())).toMatchObject({ ok: true });
    const cli = await openPgStorage(url);
    try {
      await cli.tokens.revoke(second.token, Date.now());
    } finally {
      await cli.close();
    }
    // The CLI does not wait for a listener of its own: the notice reaches B within moments.
    await waitFor("B to refuse the token revoked from the CLI", async () => (await b.tokens.check(second.token, Date.now())).ok === false, { timeoutMs: 5_000, intervalMs: 20 });
    expect(await b.tokens.check(second.token, Date.now())).toMatchObject({ ok: false, why: "revoked" });
  });

  it("answers a group-scoped token's stores from the cache, and sees a change of the group's members made on A at once on B", async () => {
    const now = Date.now();
    expect(await a.groups.create("north", "North", null, now)).toBe(true);
    expect(await a.groups.setStores("north", ["n1", "n2"])).toBe(true);
    await waitFor("B's token cache to listen", async () => {
      await b.groups.storesOf("north");
      return b.tokenCacheStats().listening;
    });
    expect(await b.groups.storesOf("north")).toEqual(["n1", "n2"]);
    const before = b.tokenCacheStats().hits;
    for (let i = 0; i < 3; i++) expect(await b.groups.storesOf("north")).toEqual(["n1", "n2"]);
    expect(b.tokenCacheStats().hits - before).toBe(3);
    // A store taken out of the group on A: B's next request sees it gone (the notice came with A's commit).
    expect(await a.groups.setStores("north", ["n2"])).toBe(true);
    await waitFor("B to see the group's new members", async () => (await b.groups.storesOf("north")).length === 1, { timeoutMs: 2_000, intervalMs: 5 });
    expect(await b.groups.storesOf("north")).toEqual(["n2"]);
    // By store, and the group's removal, the same way; A's own cache never answers a stale list either.
    expect(await a.groups.storesOf("north")).toEqual(["n2"]);
    expect(await a.groups.setGroupsOf("n3", ["north"])).toEqual([]);
    expect(await a.groups.storesOf("north")).toEqual(["n2", "n3"]);
    await waitFor("B to see n3 join", async () => (await b.groups.storesOf("north")).length === 2, { timeoutMs: 2_000, intervalMs: 5 });
    expect(await a.groups.remove("north")).toBe(true);
    expect(await a.groups.storesOf("north")).toEqual([]);
    await waitFor("B to see the group gone", async () => (await b.groups.storesOf("north")).length === 0, { timeoutMs: 2_000, intervalMs: 5 });
  });

  it("refuses a cached token once it expires (the expiry is checked from the cached row)", async () => {
    const now = Date.now();
    const { token } = await a.tokens.create("viewer", null, now, { expiresAt: now + 2_000 });
    expect(await b.tokens.check(token, now)).toMatchObject({ ok: true });
    expect(await b.tokens.check(token, now + 1_000)).toMatchObject({ ok: true });
    expect(await b.tokens.check(token, now + 2_500)).toMatchObject({ ok: false, why: "expired" });
  });

  it("keeps no row read before a revocation notice (a check racing a revoke is not cached), and answers nothing before it listens", async () => {
    const cache = new TokenCache<{ id: string }>({ url });
    try {
      const early = cache.mark();
      cache.set("h0", { id: "t0" }, 0, early);
      expect(cache.get("h0", 0)).toBeUndefined();
      await waitFor("the cache to listen", () => cache.active);
      const mark = cache.mark();
      cache.drop("t9"); // a notice arrives while a check reads the row
      cache.set("h1", { id: "t1" }, 0, mark);
      expect(cache.get("h1", 1)).toBeUndefined();
      cache.set("h1", { id: "t1" }, 0, cache.mark());
      expect(cache.get("h1", 1)).toEqual({ id: "t1" });
      // Older than the time to live: read again.
      expect(cache.get("h1", 30_000)).toBeUndefined();
    } finally {
      await cache.close();
    }
  });
});
