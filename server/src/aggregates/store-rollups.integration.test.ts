/**
 * Migration 12's one-time build: a database whose store rollups are missing (a data directory from
 * before migration 12; here made by clearing them and listing the stores pending, as the migration
 * does) gets them summed from its zone rollups by buildStoreRollups, with progress,
 * and answers exactly what the ingest-written rows answered. Until then the chain reads leave the
 * pending stores out (the overview merges their zone rows instead). On SQLite and PostgreSQL.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { usePostgres } from "../../../test/support/postgres.js";
import { openStorage } from "../storage.js";
import { openPgStorage } from "../storage-pg/adapter.js";
import { createPgPool } from "../storage-pg/pool.js";
import type { Storage } from "../storage/types.js";
import { AggregateDelta } from "./delta.js";
import { spansOf } from "./spans.js";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const T0 = Date.UTC(2026, 2, 2);
const STORES = ["s1", "s2", "s3"];

async function fill(storage: Storage): Promise<void> {
  let seed = 5;
  const rand = () => (seed = (seed * 1664525 + 1013904223) >>> 0) / 4294967296;
  for (const store of STORES) {
    const d = new AggregateDelta();
    for (let k = 0; k < 60; k++) {
      const zone = ["entrance", "fruit", "checkout"][k % 3]!;
      d.visit(zone, `e${k}`, { enterTs: T0 + Math.floor(rand() * 3 * DAY), dwellMs: rand() < 0.1 ? null : Math.floor(rand() * 1_200_000), prevEnterTs: null }, 1);
    }
    await storage.aggregates.write(store, d);
  }
}

async function buildCase(storage: Storage, forget: () => Promise<void>): Promise<void> {
  await fill(storage);
  const spans = [spansOf(T0, T0 + 3 * DAY), spansOf(T0 + 5 * HOUR, T0 + DAY + 2 * HOUR)];
  const before = await Promise.all(spans.map((s) => storage.chain.storeSketches(STORES, s)));
  expect([...before[0]!.keys()].sort()).toEqual(STORES);
  await forget();
  // Pending: left out of the chain reads.
  expect([...(await storage.chain.storeSketches(STORES, spans[0]!)).keys()]).toEqual([]);
  const progress: [number, number][] = [];
  await storage.buildStoreRollups((done, total) => progress.push([done, total]));
  expect(progress).toEqual([
    [1, 3],
    [2, 3],
    [3, 3],
  ]);
  const after = await Promise.all(spans.map((s) => storage.chain.storeSketches(STORES, s)));
  // The same sums; the stamps are the build's.
  const unstamped = (m: Map<string, { stamp: number }>) => [...m].map(([k, { stamp: _s, ...v }]) => [k, v]);
  expect(after.map(unstamped)).toEqual(before.map(unstamped));
  // Built once: nothing pending at the next start.
  progress.length = 0;
  await storage.buildStoreRollups((done, total) => progress.push([done, total]));
  expect(progress).toEqual([]);
}

describe("store rollups' one-time build (migration 12)", () => {
  it("on SQLite: sums the zone rollups of the pending stores, store by store, as ingest would have written them", async () => {
    const dir = mkdtempSync(join(tmpdir(), "footfall-store-rollups-"));
    try {
      const storage = await openStorage(dir);
      try {
        await buildCase(storage, async () => {
          const db = new Database(join(dir, "footfall.db"));
          db.exec("DELETE FROM store_rollups; INSERT INTO store_rollups_pending (store) SELECT DISTINCT store FROM zone_rollups;");
          db.close();
        });
      } finally {
        await storage.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  describe("on PostgreSQL", () => {
    const server = usePostgres();
    it("sums the zone rollups of the pending stores, store by store, as ingest would have written them", async () => {
      const url = server.database();
      const storage = await openPgStorage(url);
      const pool = createPgPool(url);
      try {
        await buildCase(storage, async () => {
          await pool.query("DELETE FROM store_rollups; INSERT INTO store_rollups_pending (store) SELECT DISTINCT store FROM zone_rollups;");
        });
      } finally {
        await pool.end();
        await storage.close();
      }
    });
  });
});
