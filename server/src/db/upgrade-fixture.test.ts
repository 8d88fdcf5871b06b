/**
 * A regression guard for upgrades from a real old build. test/fixtures/upgrade-8611a54 holds a SQLite
 * file made by 8611a54 itself (the last main users ran before the migration-numbering fixes, schema
 * version 16; its make.mjs, run in a built worktree of that commit, ingested 577 events of three days and
 * a door counter and saved two layout versions), and what that old server answered about it. The
 * migration tests build old schemas from today's migration code; this one starts today's server on the
 * file the old code wrote and checks that every migration ran and the figures are the ones the old
 * server gave. It passed on the code of its commit: it is there to fail on a later change that breaks
 * such an upgrade.
 */
import { copyFileSync, readFileSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../../../test/support/in-process.js";
import { tempDir } from "../../../test/support/wait.js";
import { MIGRATIONS } from "./migrations.js";

const FIXTURE = join(import.meta.dirname, "../../../test/fixtures/upgrade-8611a54");
type Answers = { made: { commit: string; now: string; events: number } } & Record<string, unknown>;
const recorded = JSON.parse(readFileSync(join(FIXTURE, "answers.json"), "utf8")) as Answers;
const NOW = Date.parse(recorded.made.now);

/**
 * The one deliberate difference: fields today's server adds to an answer (DESIGN v1.1: additive only),
 * checked here and taken out before the comparison with the old answer. Live occupancy gained
 * layoutVersion (9c0044d: the version in force, 2 here), partial and each zone's offlineSince and
 * offlineAgents (dcd4a79: no agent of this store ever went offline).
 */
function withoutNewFields(path: string, body: unknown): unknown {
  if (path.startsWith("traffic?") || path.startsWith("dwell?") || path.startsWith("paths?")) {
    // Traffic gained outages (the open hours nobody counted the entrance), dwell and paths theirs (of every zone): the
    // old file recorded no offline span, so none.
    const { outages, ...rest } = body as { outages: unknown };
    expect(outages, path).toBeNull();
    return rest;
  }
  if (path !== "occupancy") return body;
  const { layoutVersion, partial, zones, ...rest } = body as { layoutVersion: number; partial: boolean; zones: Record<string, unknown>[] };
  expect([layoutVersion, partial]).toEqual([2, false]);
  return {
    ...rest,
    zones: zones.map(({ offlineSince, offlineAgents, ...z }) => {
      expect([offlineSince, offlineAgents], String(z.zone)).toEqual([null, []]);
      return z;
    }),
  };
}

describe("a SQLite database made by 8611a54, opened by today's server", () => {
  const dir = tempDir("footfall-upgrade-");
  let t: TestServer | undefined;
  afterAll(async () => {
    await t?.close();
    dir.remove();
  });

  it("gets every migration and answers traffic, dwell, paths, counts, occupancy and layout as the old server did", async () => {
    const file = join(dir.path, "footfall.db");
    copyFileSync(join(FIXTURE, "footfall.db"), file);
    const before = new Database(file, { readonly: true });
    expect(before.pragma("user_version", { simple: true })).toBe(16);
    expect(before.prepare("SELECT count(*) AS n FROM events").get()).toEqual({ n: recorded.made.events });
    before.close();

    t = await startTestServer({ dataDir: dir.path, now: () => NOW });

    const after = new Database(file, { readonly: true });
    const applied = after.prepare("SELECT version FROM schema_migrations ORDER BY version").all() as { version: number }[];
    const newest = MIGRATIONS[MIGRATIONS.length - 1]!.version;
    expect(applied.map((r) => r.version)).toEqual(MIGRATIONS.map((m) => m.version));
    expect(after.pragma("user_version", { simple: true })).toBe(newest);
    // Migration 18 filled each agent's id range per UTC day from the events the file held (retention uses them).
    const days = "SELECT store, ts / 86400000 AS day, agent, min(id) AS min_id, max(id) AS max_id FROM events GROUP BY 1, 2, 3 ORDER BY 1, 2, 3";
    expect(after.prepare("SELECT store, day, agent, min_id, max_id FROM event_days ORDER BY 1, 2, 3").all()).toEqual(after.prepare(days).all());
    after.close();

    const paths = Object.keys(recorded).filter((k) => k !== "made");
    expect(paths).toHaveLength(8);
    for (const path of paths) {
      const res = await t.get(`/api/v1/stores/shop/${path}`);
      expect(res.status, `${path}: ${res.text}`).toBe(200);
      expect(withoutNewFields(path, res.body), path).toEqual(recorded[path]);
    }

    // The next layout saved is numbered after the old build's two (migration 21 counts on from them).
    const { version: _version, store: _store, ...input } = recorded.layout as Record<string, unknown>;
    const saved = await t.request("PUT", "/api/v1/stores/shop/layout", { ...input, validFrom: NOW, name: "Old store, upgraded" });
    expect([saved.status, saved.body.version]).toEqual([200, 3]);
  });
});
