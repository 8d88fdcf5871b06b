import Database from "better-sqlite3";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { tokenHash } from "../../auth/secrets.js";
import { tempDir } from "../../../../test/support/wait.js";
import { migrate, openDatabase, type Db } from "../database.js";
import { MIGRATIONS } from "../migrations.js";
import { ROLES, roleAllows, TokensRepo } from "./tokens.js";

const dirs: { remove(): void }[] = [];
const open = (): { db: Db; dir: string } => {
  const d = tempDir("footfall-tokens-");
  dirs.push(d);
  return { db: openDatabase(d.path), dir: d.path };
};
const dbs: Db[] = [];
afterEach(() => {
  dbs.splice(0).forEach((db) => db.close());
  dirs.splice(0).forEach((d) => d.remove());
});
const repo = () => {
  const { db } = open();
  dbs.push(db);
  return new TokensRepo(db);
};
const T0 = Date.UTC(2026, 10, 20, 12);

describe("TokensRepo", () => {
  it("accepts a new token and names its role, store and public id", () => {
    const tokens = repo();
    const { token, info } = tokens.create("merchandiser", "shop", T0, { label: "Anna" });
    expect(token).toMatch(/^ff_[\w-]{32}$/);
    expect(info).toEqual({ id: tokenHash(token).slice(0, 12), role: "merchandiser", store: "shop", group: null, label: "Anna", createdAt: T0, expiresAt: null, revokedAt: null, lastUsedAt: null });
    expect(tokens.verify(token, T0)).toEqual({ role: "merchandiser", store: "shop", group: null, tokenId: info.id });
  });

  it("never stores or lists the token itself", () => {
    const { db } = open();
    dbs.push(db);
    const tokens = new TokensRepo(db);
    const token = tokens.add("admin", null, T0);
    expect(JSON.stringify(tokens.list())).not.toContain(token);
    expect(JSON.stringify(db.prepare("SELECT * FROM tokens").all())).not.toContain(token.slice(3));
  });

  it("refuses a token from its expiry on, and says so", () => {
    const tokens = repo();
    const token = tokens.add("viewer", null, T0, null, T0 + 1000);
    expect(tokens.check(token, T0 + 999).ok).toBe(true);
    expect(tokens.check(token, T0 + 1000)).toEqual({ ok: false, why: "expired", at: T0 + 1000 });
  });

  it("refuses a revoked token at once, revoked by id or by the token itself", () => {
    const tokens = repo();
    const a = tokens.create("staff", null, T0);
    const b = tokens.create("staff", null, T0);
    const heard: string[] = [];
    tokens.onRevoked((id) => heard.push(id));
    expect(tokens.revoke(a.info.id, T0 + 5)?.revokedAt).toBe(T0 + 5);
    expect(tokens.revoke(b.token, T0 + 6)?.id).toBe(b.info.id);
    expect(tokens.check(a.token, T0 + 7)).toEqual({ ok: false, why: "revoked", at: T0 + 5 });
    expect(tokens.verify(b.token, T0 + 7)).toBeUndefined();
    expect(heard).toEqual([a.info.id, b.info.id]);
    expect(tokens.revoke(a.info.id, T0 + 99)?.revokedAt).toBe(T0 + 5);
    expect(tokens.revoke("000000000000", T0)).toBeUndefined();
  });

  it("notes when a token was last used, at most once a minute", () => {
    const tokens = repo();
    const { token, info } = tokens.create("viewer", null, T0);
    tokens.verify(token, T0 + 1000);
    tokens.verify(token, T0 + 30_000);
    expect(tokens.get(info.id)?.lastUsedAt).toBe(T0 + 1000);
    tokens.verify(token, T0 + 61_000);
    expect(tokens.get(info.id)?.lastUsedAt).toBe(T0 + 61_000);
  });

  it("does not know a token it never made", () => {
    expect(repo().check("ff_nope", T0)).toEqual({ ok: false, why: "unknown" });
  });
});

describe("roleAllows", () => {
  it("gives admin every grant, a merchandiser a viewer's too, and viewer and staff only their own", () => {
    const table = Object.fromEntries(ROLES.map((r) => [r, ROLES.filter((n) => roleAllows(r, n))]));
    expect(table).toEqual({
      viewer: ["viewer"],
      staff: ["staff"],
      merchandiser: ["viewer", "merchandiser"],
      admin: ["viewer", "staff", "merchandiser", "admin"],
    });
  });
});

describe("migration 3 (token ids, expiry, revocation)", () => {
  it("keeps tokens made before it working, with their hash's first 12 digits as id", () => {
    const d = tempDir("footfall-tokens-v2-");
    dirs.push(d);
    const file = join(d.path, "footfall.db");
    const old = new Database(file);
    for (const m of MIGRATIONS.filter((x) => x.version <= 2)) old.exec(m.sql);
    old.pragma("user_version = 2");
    const token = "ff_made-by-an-older-version-of-footfall";
    old.prepare("INSERT INTO tokens (hash, role, store, label, created_at) VALUES (?, 'viewer', 'shop', 'old', 1)").run(tokenHash(token));
    expect(migrate(old)).toBeGreaterThanOrEqual(1);
    const tokens = new TokensRepo(old);
    expect(tokens.verify(token, T0)).toEqual({ role: "viewer", store: "shop", group: null, tokenId: tokenHash(token).slice(0, 12) });
    expect(tokens.list()).toEqual([expect.objectContaining({ id: tokenHash(token).slice(0, 12), label: "old", expiresAt: null, revokedAt: null })]);
    old.close();
  });
});
