/**
 * The migration lists' numbering (pure): a database at version N skips every migration numbered N or
 * below, so a migration numbered below a released one would never reach the users' databases.
 */
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { PG_MIGRATIONS } from "../storage-pg/schema.js";
import { MIGRATIONS } from "./migrations.js";

/**
 * The migrations of the last main users run (80b5ca5, 2026-12-01; 1-16 as of 8611a54, 2026-11-30), with
 * the first 16 hex digits of the SHA-256 of each one's SQL as released (checked against that main's own source). When a newer
 * main is released, add its new migrations here: from then on no migration may take a number at or
 * below them, and none of them may change.
 */
const RELEASED_SQLITE: Record<number, string> = {
  1: "89029ec31c11af58",
  2: "779166d8363cf9fe",
  3: "a69ab55c16bbc156",
  4: "080e550c94a7ddfc",
  5: "9666413481319714",
  6: "642040b54a4a770c",
  7: "c0889c83d44dd1ec",
  8: "ede9063a96da565b",
  11: "be627468a0170cb1",
  12: "01dafa7f381181fc",
  13: "e22d1c233c754935",
  16: "578261ed66275989",
  17: "87ea2dfb53fc9448",
  18: "d92e0a8bfff71a46",
};
const RELEASED_PG: Record<number, string> = {
  1: "8dea37cf589d4015",
  2: "a2ff88a1b31b8d16",
  3: "4106ba33372a979f",
  4: "25aa2078ce7bd102",
  5: "2a93d9309c04b5a2",
  6: "ea3f3e3ef5301e4a",
  7: "d32ea29c313959f5",
  8: "f0c2c6d95ea06ad2",
  11: "0a83b635a63bde4f",
  12: "95c95ff1dfe9cd66",
  13: "d92f6b0536092997",
  16: "938148f53f3c239e",
  17: "f6e8b07c57e7ae4f",
  18: "e004ebd5b5532a4b",
};
const sha = (sql: string) => createHash("sha256").update(sql).digest("hex").slice(0, 16);

describe.each([
  ["SQLite (db/migrations.ts)", MIGRATIONS, RELEASED_SQLITE],
  ["PostgreSQL (storage-pg/schema.ts)", PG_MIGRATIONS, RELEASED_PG],
])("the migrations of %s", (_, list, released) => {
  const versions = list.map((m) => m.version);
  const RELEASED = Object.keys(released).map(Number);

  it("are numbered strictly increasing, in the order they apply", () => {
    for (let i = 1; i < versions.length; i++) expect(versions[i], `after ${versions[i - 1]}`).toBeGreaterThan(versions[i - 1]!);
  });

  it("hold every released migration, and below the highest released one nothing else", () => {
    const top = Math.max(...RELEASED);
    expect(versions.filter((v) => v <= top)).toEqual(RELEASED);
  });

  it("keep every released migration's SQL as released (add a new migration instead of editing one)", () => {
    for (const m of list) if (released[m.version] !== undefined) expect(sha(m.sql), `migration ${m.version} (${m.name})`).toBe(released[m.version]);
  });

  it("have a name each", () => {
    for (const m of list) expect(m.name.trim(), `migration ${m.version}`).not.toBe("");
  });
});

describe("the two adapters' migrations", () => {
  it("have the same numbers (a migration and its twin in the other adapter share one)", () => {
    expect(PG_MIGRATIONS.map((m) => m.version)).toEqual(MIGRATIONS.map((m) => m.version));
  });
});
