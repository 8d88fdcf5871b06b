/**
 * The migration lists' numbering (pure): a database at version N skips every migration numbered N or
 * below, so a migration numbered below a released one would never reach the users' databases.
 */
import { describe, expect, it } from "vitest";
import { PG_MIGRATIONS } from "../storage-pg/schema.js";
import { MIGRATIONS } from "./migrations.js";

/**
 * The migrations of the last main users run (8611a54, 2026-11-30). When a newer main is released,
 * add its new versions here: from then on no migration may take a number at or below them.
 */
const RELEASED = [1, 2, 3, 4, 5, 6, 7, 8, 11, 12, 13, 16];

describe.each([
  ["SQLite (db/migrations.ts)", MIGRATIONS],
  ["PostgreSQL (storage-pg/schema.ts)", PG_MIGRATIONS],
])("the migrations of %s", (_, list) => {
  const versions = list.map((m) => m.version);

  it("are numbered strictly increasing, in the order they apply", () => {
    for (let i = 1; i < versions.length; i++) expect(versions[i], `after ${versions[i - 1]}`).toBeGreaterThan(versions[i - 1]!);
  });

  it("hold every released migration, and below the highest released one nothing else", () => {
    const top = Math.max(...RELEASED);
    expect(versions.filter((v) => v <= top)).toEqual(RELEASED);
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
