/**
 * `footfall agent list` (the built CLI, a child process) on a SQLite data folder while a server runs
 * on it: agents made by `footfall agent add` (one revoked by `footfall agent revoke`), one online with
 * its clock 2 minutes ahead, one gone offline, one never seen; the table, its filters, JSON Lines
 * that agree with the Agents API, the clock threshold from FOOTFALL_CLOCK_WARN_MS, and the empty cases.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { topics } from "@footfall/core";
import { addAgent, footfall } from "../../test/support/cli.js";
import { localServerConfig } from "../../test/support/in-process.js";
import { smallLayout } from "../../test/support/fixtures.js";
import { connectMqtt } from "../../test/support/mqtt.js";
import { usePostgres } from "../../test/support/postgres.js";
import { tempDir, waitFor } from "../../test/support/wait.js";
import { openDatabase } from "./db/database.js";
import { createLogger } from "./log.js";
import { startServer, type RunningServer } from "./server.js";

type ApiAgent = { agent: string; state: string; lastStatusTs: number | null; clockOffsetMs: number | null; clockMeasuredAt: number | null; problems: string[] };
const status = (state: "online" | "offline", ts: number, kind = "door") => JSON.stringify({ state, ts, kind, version: "1.0.0" });

describe("footfall agent list", () => {
  const dir = tempDir("footfall-agent-list-");
  let server: RunningServer;
  let token: string;
  const env = { TZ: "Europe/Berlin" };
  const list = (args: string[] = [], extra: Record<string, string> = {}) =>
    footfall(["agent", "list", ...args], { dataDir: dir.path, env: { ...env, ...extra } });
  const apiAgents = async (store: string): Promise<ApiAgent[]> => {
    const res = await server.app.inject({ method: "GET", url: `/api/v1/stores/${store}/agents`, headers: { authorization: `Bearer ${token}` } });
    expect(res.statusCode, res.body).toBe(200);
    return (res.json() as { agents: ApiAgent[] }).agents;
  };

  beforeAll(async () => {
    // A folder with no database is refused (cli.test.ts); a database with no agent yet: it says so and what to do
    // (stdout for the table, stderr with --json, whose stdout stays empty).
    openDatabase(dir.path).close();
    const none = await list();
    expect(none.code, none.stderr).toBe(0);
    expect(none.stdout).toBe(
      "no agents yet: add one with `footfall agent add <agent> --store <store> --kind camera`, or a chain's from a file with `footfall agent import <file>`\n",
    );
    const noneJson = await list(["--json"]);
    expect(noneJson.stdout).toBe("");
    expect(noneJson.stderr).toMatch(/^no agents yet: /m);

    const door = await addAgent(dir.path, "0412", "door-1", "door");
    const cam = await addAgent(dir.path, "0412", "cam-1", "camera");
    await addAgent(dir.path, "0412", "cam-2", "camera");
    await addAgent(dir.path, "0411", "cam-1", "camera");

    // The server's clock starts 30 s back, then is the real one: a clock is measured once two statuses 20 s or more apart agree.
    let shift = -30_000;
    const now = () => Date.now() + shift;
    server = await startServer(
      localServerConfig(dir.path),
      { log: createLogger("silent"), uiDir: null, now },
    );
    token = await server.services.storage.tokens.add("admin", null, Date.now());
    // Store 0499 has a layout and no agent: known, so `--store 0499` lists it (empty) where an unknown store is refused.
    await server.services.storage.stores.saveLayout("0499", smallLayout(), Date.now());
    // Store 0411 has a layout too, so its one agent's revoke leaves it (a store that is only its agents' name goes with
    // its last agent: store-check.integration.test.ts), the agent listed as revoked.
    await server.services.storage.stores.saveLayout("0411", smallLayout(), Date.now());
    const revoked = await footfall(["agent", "revoke", "cam-1", "--store", "0411"], { dataDir: dir.path });
    expect(revoked.code, revoked.stderr).toBe(0);
    expect(revoked.stdout).not.toMatch(/storeForgotten/);
    const url = `mqtt://127.0.0.1:${server.mqttPort}`;
    // door-1: online, its clock 2 minutes ahead. cam-1: online with a clock in step, then shut down (its offline status).
    const doorClient = await connectMqtt({ url, username: door.username, password: door.password }, { clientId: "0412-door-1" });
    const camClient = await connectMqtt({ url, username: cam.username, password: cam.password }, { clientId: "0412-cam-1" });
    for (const round of [0, 1]) {
      const sent = now();
      await doorClient.publishAsync(topics.status("0412", "door-1"), status("online", sent + 120_000), { qos: 1, retain: true });
      await camClient.publishAsync(topics.status("0412", "cam-1"), status("online", sent, "camera"), { qos: 1, retain: true });
      await waitFor(`round ${round}'s statuses stored`, async () => {
        const a = await apiAgents("0412");
        return a.find((x) => x.agent === "door-1")?.lastStatusTs === sent + 120_000 && a.find((x) => x.agent === "cam-1")?.lastStatusTs === sent;
      });
      shift = 0;
    }
    await camClient.publishAsync(topics.status("0412", "cam-1"), status("offline", Date.now(), "camera"), { qos: 1, retain: true });
    await waitFor("both measured, cam-1 offline", async () => {
      const a = await apiAgents("0412");
      return a.find((x) => x.agent === "door-1")?.clockOffsetMs !== null && a.find((x) => x.agent === "cam-1")?.state === "offline" && a.find((x) => x.agent === "cam-1")?.clockOffsetMs !== null ? a : undefined;
    });
    await camClient.endAsync();
    await doorClient.endAsync();
  }, 60_000);
  afterAll(async () => {
    await server?.close();
    dir.remove();
  });

  it("prints a table by store then agent, while the server runs: status, last seen in the shell's time zone, the clock flagged as the Agents view does", async () => {
    const r = await list();
    expect(r.code, r.stderr).toBe(0);
    const [header, ...lines] = r.stdout.split("\n");
    expect(header).toMatch(/^STORE +AGENT +KIND +STATUS +NEEDS ATTENTION +LAST SEEN \(Europe\/Berlin\) +CLOCK +REVOKED \(Europe\/Berlin\)$/);
    // What needs attention in the Agents view's words (core's agentProblems): door-1 was heard seconds ago, so it is not silent.
    expect(lines.slice(0, 4).map((l) => l.split(/\s{2,}/).slice(0, 5))).toEqual([
      ["0411", "cam-1", "camera", "revoked", "-"],
      ["0412", "cam-1", "camera", "offline", "offline"],
      ["0412", "cam-2", "camera", "never-seen", "never seen"],
      ["0412", "door-1", "door", "online", "clock off"],
    ]);
    expect(lines[0]).toMatch(/ never +- +\d{4}-\d\d-\d\d \d\d:\d\d$/);
    expect(lines[1]).toMatch(/ \d{4}-\d\d-\d\d \d\d:\d\d \((just now|\d+ s ago)\) +in step +-$/);
    expect(lines[2]).toMatch(/ never +- +-$/);
    expect(lines[3]).toMatch(/ \((just now|\d+ s ago)\) +2 min ahead ! +-$/);
    expect(r.stdout).toMatch(/\n\n! clock off by more than 30 s \(FOOTFALL_CLOCK_WARN_MS\) on 1 agent: .*check NTP/);

    // A threshold of 5 minutes (the server's FOOTFALL_CLOCK_WARN_MS, read from the same environment): no flag.
    const lax = await list([], { FOOTFALL_CLOCK_WARN_MS: "300000" });
    expect(lax.stdout).toMatch(/ 2 min ahead +-\n/);
    expect(lax.stdout).not.toMatch(/!/);
  });

  it("filters by store and status; --json prints JSON Lines whose clock agrees with the Agents API", async () => {
    const off = await list(["--store", "0412", "--status", "offline,never-seen", "--json"]);
    expect(off.code, off.stderr).toBe(0);
    const rows = off.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { store: string; agent: string; status: string; lastSeenAt: number | null });
    expect(rows.map((x) => [x.store, x.agent, x.status])).toEqual([
      ["0412", "cam-1", "offline"],
      ["0412", "cam-2", "never-seen"],
    ]);
    expect(rows[0]!.lastSeenAt).toBeGreaterThan(Date.now() - 60_000);
    expect(rows[1]!.lastSeenAt).toBeNull();

    const all = (await list(["--json"])).stdout
      .trim()
      .split("\n")
      .map(
        (l) =>
          JSON.parse(l) as {
            store: string;
            agent: string;
            clockOffsetMs: number | null;
            clockMeasuredAt: number | null;
            clockWarn: boolean;
            revokedAt: number | null;
            problems: string[];
          },
      );
    const api = await apiAgents("0412");
    for (const a of api) {
      const mine = all.find((x) => x.store === "0412" && x.agent === a.agent)!;
      expect([mine.clockOffsetMs, mine.clockMeasuredAt]).toEqual([a.clockOffsetMs, a.clockMeasuredAt]);
      // What needs attention: the API's problems (one rule, core's agentProblems).
      expect(mine.problems).toEqual(a.problems);
    }
    expect(all.find((x) => x.agent === "door-1")!.clockWarn).toBe(true);
    expect(all.find((x) => x.store === "0411")!.revokedAt).toEqual(expect.any(Number));

    const repeated = await list(["--store", "0411", "--store", "0412", "--status", "revoked"]);
    expect(repeated.stdout.split("\n")[1]).toMatch(/^0411 +cam-1 +camera +revoked /);
    // A store asked for without agents (it has a layout), beside one with some: listed, and named on stderr.
    const mixed = await list(["--store", "0412,0499", "--status", "never-seen"]);
    expect(mixed.stdout.split("\n")[1]).toMatch(/^0412 +cam-2 +camera +never-seen /);
    expect(mixed.stderr).toBe('footfall: note: no agents in store "0499"\n');
  });

  it("says why a list is empty and what to do, and refuses a status it does not know", async () => {
    // A store the folder does not know (no layout, no agent) is refused, naming the nearest (store-check.integration.test.ts)...
    const typo = await list(["--store", "0413"]);
    expect([typo.code, typo.stdout]).toEqual([1, ""]);
    expect(typo.stderr).toMatch(/^footfall: --store: no store "0413" in .* \(FOOTFALL_DATA_DIR\)\. Did you mean "0411" or "0412"\? /);
    // ... one with a layout and no agent yet is listed empty, saying what to do.
    const empty = await list(["--store", "0499"]);
    expect(empty.code, empty.stderr).toBe(0);
    expect(empty.stdout).toBe(
      'no agents in store "0499" (the stores with agents are 0411, 0412): add one with `footfall agent add <agent> --store 0499 --kind camera`\n',
    );
    const none = await list(["--store", "0411", "--status", "online"]);
    expect(none.stdout).toBe("none of the 1 agent of store 0411 is online\n");
    const bad = await list(["--status", "down"]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/"down" is not a status: give online, offline, never-seen, revoked/);
  });
});

describe("footfall agent list on PostgreSQL (FOOTFALL_DATABASE_URL)", () => {
  const pg = usePostgres();
  const dir = tempDir("footfall-agent-list-pg-");
  afterAll(() => dir.remove());

  it("lists the agents `footfall agent add` made there, by store then agent (byte order, whatever the database's collation)", async () => {
    const env = { FOOTFALL_DATABASE_URL: pg.database("agent_list"), TZ: "UTC" };
    const run = (args: string[]) => footfall(args, { dataDir: dir.path, env });
    for (const [store, agent] of [
      ["shop1", "cam-2"],
      ["shop-2", "door-1"],
      ["shop1", "cam-1"],
      ["shop1", "cam_0"],
    ])
      expect((await run(["agent", "add", agent!, "--store", store!, "--kind", "camera"])).code).toBe(0);
    expect((await run(["agent", "revoke", "cam-2", "--store", "shop1"])).code).toBe(0);
    const r = await run(["agent", "list", "--json"]);
    expect(r.code, r.stderr).toBe(0);
    const rows = r.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { store: string; agent: string; status: string; revokedAt: number | null });
    expect(rows.map((x) => [x.store, x.agent, x.status])).toEqual([
      ["shop-2", "door-1", "never-seen"],
      ["shop1", "cam-1", "never-seen"],
      ["shop1", "cam-2", "revoked"],
      ["shop1", "cam_0", "never-seen"],
    ]);
    expect(typeof rows[2]!.revokedAt).toBe("number");
    const table = await run(["agent", "list", "--status", "revoked"]);
    expect(table.stdout).toMatch(
      /^STORE +AGENT +KIND +STATUS +NEEDS ATTENTION +LAST SEEN \(UTC\) +CLOCK +REVOKED \(UTC\)\nshop1 +cam-2 +camera +revoked +- +never +- +\d{4}-\d\d-\d\d \d\d:\d\d\n$/,
    );
  }, 120_000);
});
