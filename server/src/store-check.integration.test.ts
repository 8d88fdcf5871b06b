/**
 * Every `footfall` command that takes a store (the built CLI, a child process) checks it against the stores the
 * database knows (a layout or an agent), on SQLite and on PostgreSQL (FOOTFALL_DATABASE_URL): `token add --store`,
 * `agent revoke` and `agent list --store` refuse a store there is not (exit 1, the nearest, nothing done); `agent add`,
 * `agent import` and `broker-config --bridge`, which make a store known or configure one ahead of its agents, take it
 * with a note on stderr naming the nearest.
 */
import { writeFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { footfall, type CliResult } from "../../test/support/cli.js";
import { smallLayout } from "../../test/support/fixtures.js";
import { usePostgres } from "../../test/support/postgres.js";
import { tempDir } from "../../test/support/wait.js";
import { openStorage } from "./storage.js";

interface Backend {
  /** The CLI's environment beside FOOTFALL_DATA_DIR. */
  env: Record<string, string>;
  databaseUrl: string | null;
  /** How the messages name the database. */
  where: string;
}

/** The checks, on a database of its own; each test runs several CLI commands (a second or more each on a busy machine). */
function storeChecks(backend: (dataDir: string) => Backend) {
  const dir = tempDir("footfall-store-check-");
  afterAll(() => dir.remove());
  let b: Backend;
  const cli = (args: string[]): Promise<CliResult> => footfall(args, { dataDir: dir.path, env: b.env });
  const ok = (r: CliResult) => expect([r.code, r.stderr], r.stderr).toEqual([0, ""]);
  const agentStates = async () => {
    const r = await cli(["agent", "list", "--json"]);
    expect(r.code, r.stderr).toBe(0);
    return r.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { store: string; agent: string; status: string })
      .map((a) => `${a.store}/${a.agent} ${a.status}`);
  };

  beforeAll(async () => {
    b = backend(dir.path);
    // The database made before the first command (so SQLite's "no database, a new one is made" note stays out of the way).
    await (await openStorage(dir.path, { databaseUrl: b.databaseUrl })).close();
    // The first store of an empty database: nothing it could be a typo of, so no note.
    ok(await cli(["agent", "add", "door-1", "--store", "paris-01", "--kind", "door"]));
    // A store with a layout and no agent yet is known too.
    const storage = await openStorage(dir.path, { databaseUrl: b.databaseUrl });
    try {
      await storage.stores.saveLayout("lyon-01", smallLayout({ name: "Lyon" }), Date.now());
    } finally {
      await storage.close();
    }
  }, 60_000);

  it("agent add takes a store new to the database, noting the nearest known one; --new-store and a known store get no note", async () => {
    const typo = await cli(["agent", "add", "door-2", "--store", "pairs-01", "--kind", "door"]);
    expect(typo.code, typo.stderr).toBe(0);
    expect(JSON.parse(typo.stdout)).toMatchObject({ agent: "door-2", store: "pairs-01", username: "pairs-01.door-2" });
    expect(typo.stderr).toBe(
      `footfall: note: store "pairs-01" is new in ${b.where}: door-2 is its first agent. Did you mean "paris-01"? The stores there (with a layout or an agent): lyon-01, paris-01. A typo? \`footfall agent revoke door-2 --store pairs-01\`, then add it with the right --store. A new store: --new-store says so, with no note\n`,
    );
    ok(await cli(["agent", "add", "door-1", "--store", "nice-01", "--kind", "door", "--new-store"]));
    ok(await cli(["agent", "add", "cam-1", "--store", "lyon-01", "--kind", "camera"]));
    ok(await cli(["agent", "add", "door-2", "--store", "pairs-01", "--kind", "door"])); // a new password: the store is known now
  }, 90_000);

  it("agent revoke refuses a store there is not, naming the nearest, and a store's unknown agent naming its agents; nothing is revoked", async () => {
    const store = await cli(["agent", "revoke", "door-1", "--store", "pari-01"]);
    expect([store.code, store.stdout]).toEqual([1, ""]);
    expect(store.stderr).toBe(
      `footfall: --store: no store "pari-01" in ${b.where}. Did you mean "paris-01"? The stores there (with a layout or an agent): lyon-01, nice-01, pairs-01, paris-01. Nothing was revoked\n`,
    );
    const agent = await cli(["agent", "revoke", "dor-1", "--store", "paris-01"]);
    expect([agent.code, agent.stdout, agent.stderr]).toEqual([
      1,
      "",
      `footfall: no agent "dor-1" in store "paris-01". Did you mean "door-1"? Its agents: door-1. Nothing was revoked\n`,
    ]);
    expect(await agentStates()).not.toContain(expect.stringMatching(/ revoked$/));
  }, 90_000);

  it("agent revoke of a mistyped store's last agent (never heard from, no layout, no data) takes the store with it and says so; a store with anything of its own stays", async () => {
    // The typo the note named: its one agent was never heard from and the store has nothing else.
    const revoked = await cli(["agent", "revoke", "door-2", "--store", "pairs-01"]);
    expect(revoked.code, revoked.stderr).toBe(0);
    expect(JSON.parse(revoked.stdout)).toMatchObject({ agent: "door-2", store: "pairs-01", revoked: true, storeForgotten: true });
    expect(revoked.stderr).toBe(
      'footfall: store "pairs-01" is gone too: it had no layout, no data and no other agent, and door-2 was never heard from (a mistyped --store?). No list names it now; `footfall agent add door-2 --store <store>` adds an agent again\n',
    );
    expect((await agentStates()).filter((a) => a.startsWith("pairs-01/"))).toEqual([]);
    const gone = await cli(["agent", "list", "--store", "pairs-01"]);
    expect([gone.code, gone.stderr]).toEqual([1, expect.stringContaining(`no store "pairs-01" in ${b.where}`)]);

    // A store with a layout keeps its revoked agent (and stays known); so does one whose agent was heard from.
    const storage = await openStorage(dir.path, { databaseUrl: b.databaseUrl });
    try {
      await storage.agents.recordStatus("nice-01", "door-1", { state: "online", version: "1.0.0", ts: Date.now(), kind: "door" });
    } finally {
      await storage.close();
    }
    for (const [agent, store] of [["cam-1", "lyon-01"], ["door-1", "nice-01"]] as const) {
      const kept = await cli(["agent", "revoke", agent, "--store", store]);
      expect([kept.code, kept.stderr], kept.stderr).toEqual([0, ""]);
      expect(JSON.parse(kept.stdout)).not.toHaveProperty("storeForgotten");
    }
    expect(await agentStates()).toEqual(expect.arrayContaining(["lyon-01/cam-1 revoked", "nice-01/door-1 revoked"]));
    // The audit log says the store went with the revoke.
    const audit = await openStorage(dir.path, { databaseUrl: b.databaseUrl });
    try {
      const entries = await audit.audit.list({ limit: 50, target: "pairs-01/door-2" });
      const entry = entries.find((e) => e.action === "agent.revoke" && e.target === "pairs-01/door-2");
      expect(entry?.details).toEqual({ storeForgotten: true });
    } finally {
      await audit.close();
    }
  }, 90_000);

  it("agent list --store refuses a store there is not (an empty list would read 'none offline'); a known store with no agent is listed empty", async () => {
    const typo = await cli(["agent", "list", "--store", "paris-1", "--status", "offline", "--json"]);
    expect([typo.code, typo.stdout]).toEqual([1, ""]);
    expect(typo.stderr).toBe(
      `footfall: --store: no store "paris-1" in ${b.where}. Did you mean "paris-01"? The stores there (with a layout or an agent): lyon-01, nice-01, paris-01. \`footfall agent list\` without --store lists every store's agents\n`,
    );
    const two = await cli(["agent", "list", "--store", "paris-01,lyn-01,zz", "--store", "nice-01"]);
    expect([two.code, two.stdout]).toEqual([1, ""]);
    expect(two.stderr).toMatch(/^footfall: --store: no stores "lyn-01" \(did you mean "lyon-01"\?\), "zz" in .*\. The stores there/);
    const known = await cli(["agent", "list", "--store", "paris-01"]);
    expect(known.code, known.stderr).toBe(0);
    expect(known.stdout).toMatch(/\nparis-01 +door-1 +door +never-seen /);
  }, 90_000);

  it("token add --store refuses a store there is not, naming the nearest (no token); a store with a layout alone is known", async () => {
    const typo = await cli(["token", "add", "--role", "viewer", "--store", "lyon-1"]);
    expect([typo.code, typo.stdout]).toEqual([1, ""]);
    expect(typo.stderr).toBe(
      `footfall: --store: no store "lyon-1" in ${b.where}. Did you mean "lyon-01"? The stores there (with a layout or an agent): lyon-01, nice-01, paris-01. For a store not set up yet (its first saved layout creates it), add --new-store\n`,
    );
    const none = await cli(["token", "list", "--json"]);
    expect((JSON.parse(none.stdout) as { tokens: unknown[] }).tokens).toEqual([]);
    const known = await cli(["token", "add", "--role", "viewer", "--store", "lyon-01"]);
    expect(known.code, known.stderr).toBe(0);
    expect(JSON.parse(known.stdout)).toMatchObject({ role: "viewer", store: "lyon-01" });
  }, 90_000);

  it("agent import takes the file's new stores, noting them with their nearest in one line", async () => {
    const file = tempDir("footfall-store-check-import-");
    try {
      writeFileSync(`${file.path}/agents.csv`, "store,agent,kind\nparis-01,door-3,door\nparis-02,door-1,door\nlille,door-1,door\n");
      const r = await cli(["agent", "import", `${file.path}/agents.csv`]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout.trim().split("\n")).toHaveLength(3);
      expect(r.stderr).toBe(
        `footfall: note: 2 stores new in ${b.where}: "paris-02" (did you mean "paris-01"?), "lille": the file gives them their first agents. The stores there (with a layout or an agent): lyon-01, nice-01, paris-01. A typo? \`footfall agent revoke <agent> --store <store>\` takes an agent back; add it again with the right store\n`,
      );
    } finally {
      file.remove();
    }
  }, 90_000);

  it("broker-config --bridge notes a store there is not, naming the nearest, and writes the files", async () => {
    const out = `${dir.path}/mosquitto`;
    const r = await cli(["broker-config", "--out", out, "--server-password", "secret-1", "--bridge", "south=paris-01,lyno-01"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe(
      `footfall: note: --bridge south: no store "lyno-01" in ${b.where}. Did you mean "lyon-01"? The stores there (with a layout or an agent): lille, lyon-01, nice-01, paris-01, paris-02. The bridge's user site-south may carry only its stores' topics: if it is a typo, give the site again with its stores, --bridge south=<store>[,<store>...]\n`,
    );
    expect(JSON.parse(r.stdout)).toMatchObject({ bridges: [{ site: "south", username: "site-south", stores: ["paris-01", "lyno-01"] }] });
    // Mended: the kept bridge's stores replaced, no note.
    ok(await cli(["broker-config", "--out", out, "--server-password", "secret-1", "--bridge", "south=paris-01,lyon-01"]));
  }, 90_000);
}

describe("the CLI's store checks on SQLite", () => {
  storeChecks((dataDir) => ({ env: {}, databaseUrl: null, where: `${dataDir} (FOOTFALL_DATA_DIR)` }));
});

describe("the CLI's store checks on PostgreSQL (FOOTFALL_DATABASE_URL)", () => {
  const pg = usePostgres();
  storeChecks(() => {
    const url = pg.database("store_check");
    return { env: { FOOTFALL_DATABASE_URL: url }, databaseUrl: url, where: "the PostgreSQL database (FOOTFALL_DATABASE_URL)" };
  });
});
