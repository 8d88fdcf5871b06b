/**
 * The `footfall` CLI as users run it: every command describes itself with --help, bad arguments
 * fail with a message that names them, and agents and tokens can be added while a server runs on
 * the same data folder, which then admits them at once.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { topics } from "@footfall/core";
import {
  addAgent,
  addToken,
  batchJson,
  connectMqtt,
  EventFactory,
  footfall,
  footfallJson,
  FootfallApi,
  freePort,
  REPO_ROOT,
  run,
  ServerProcess,
  smallLayout,
  tempDir,
  waitFor,
} from "../support/index.js";

const HELP: [string[], RegExp][] = [
  [[], /Footfall: in-store foot traffic[\s\S]*serve[\s\S]*demo[\s\S]*agent[\s\S]*token[\s\S]*broker-config/],
  [["serve"], /run the server[\s\S]*FOOTFALL_MQTT_HOST[\s\S]*FOOTFALL_MQTT_URL[\s\S]*FOOTFALL_LOG_LEVEL +trace, debug, info, warn, error, fatal, silent \(info\)[\s\S]*README\.md, "Configuration"/],
  // --speed follows the clock (the simulator's followClock): no "simulated hour a minute" since the store keeps its hours.
  [["demo"], /simulated store[\s\S]*--speed <n>\s+visitors\s+come\s+n\s+times\s+as\s+often[\s\S]*opening\s+hours\s+keep\s+to\s+the\s+clock\s+at\s+any\s+speed/],
  [["agent"], /manage edge agents[\s\S]*add/],
  [["agent", "add"], /create\s+an\s+agent[\s\S]*--store[\s\S]*new\s+to\s+the\s+data\s+folder[\s\S]*note\s+on\s+stderr\s+naming\s+the\s+nearest[\s\S]*--kind[\s\S]*--new-store[\s\S]*no\s+note/],
  [["agent", "revoke"], /revoke\s+an\s+agent[\s\S]*--store[\s\S]*refused\s+otherwise,\s+naming\s+the\s+nearest/],
  [["agent", "list"], /list\s+the\s+agents[\s\S]*--store[\s\S]*does\s+not\s+know[\s\S]*is\s+refused,\s+naming\s+the\s+nearest/],
  [["agent", "import"], /create\s+many\s+agents[\s\S]*stores\s+new\s+to\s+a\s+data\s+folder[\s\S]*noted\s+on\s+stderr\s+with\s+the\s+nearest/],
  [["token"], /manage API tokens[\s\S]*add[\s\S]*list[\s\S]*revoke/],
  [["token", "add"], /create an API token[\s\S]*--role[\s\S]*merchandiser[\s\S]*no\s+manager\s+role:\s+a\s+store\s+manager\s+gets\s+admin\s+with\s+--store[\s\S]*--store[\s\S]*refused otherwise[\s\S]*--new-store[\s\S]*not set up yet[\s\S]*--expires/],
  [["token", "list"], /list the tokens[\s\S]*--json/],
  [["token", "revoke"], /<id>[\s\S]*revoke a token at once/],
  [["audit"], /read the audit log of admin actions[\s\S]*list/],
  [["audit", "list"], /list the audit log, newest first[\s\S]*--store[\s\S]*--action[\s\S]*prefix\s+ending\s+in\s+a\s+dot[\s\S]*--actor[\s\S]*--target[\s\S]*--from[\s\S]*--to[\s\S]*--limit <n>\s+at\s+most\s+this\s+many\s+entries\s+\(1-500\)\s+\(default:\s+50\)[\s\S]*--before[\s\S]*--json\s+print\s+GET\s+\/api\/v1\/audit's\s+answer/],
  // Digests go to a webhook too (e5c3b4e): not "the scheduled e-mail digests".
  [["digest"], /scheduled\s+digests,\s+by\s+e-mail\s+and\s+webhook[\s\S]*list[\s\S]*preview[\s\S]*send[\s\S]*FOOTFALL_SMTP_URL/],
  [["digest", "send"], /<id>[\s\S]*send\s+the\s+digest\s+now[\s\S]*--period <date>/],
  // --force never replaces the server's own files (52e02a7: footfall.public-url among them).
  [["backup"], /copy\s+the\s+database[\s\S]*--force\s+replace\s+<file>\s+if\s+it\s+exists\s+\(never\s+the\s+database\s+or\s+another\s+file\s+its\s+server\s+uses,\s+such\s+as\s+footfall\.public-url\)/],
  [["broker-config"], /Mosquitto\s+password\s+file\s+and\s+ACL[\s\S]*--out[\s\S]*--server-username[\s\S]*default\s+footfall-server[\s\S]*--server-password <password>\s+its\s+password,\s+required\s+\(or\s+FOOTFALL_MQTT_PASSWORD\)[\s\S]*--bridge[\s\S]*database\s+does\s+not\s+know[\s\S]*noted\s+on\s+stderr\s+with\s+the\s+nearest[\s\S]*--new-data-dir[\s\S]*no\s+database\s+yet/],
];

describe.concurrent("footfall --help", () => {
  it.each(HELP.map(([args, text]) => [["footfall", ...args, "--help"].join(" "), args, text] as const))(
    "%s exits 0 and describes the command",
    async (_name, args, text) => {
      const r = await footfall([...args, "--help"]);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/^Usage: footfall/);
      expect(r.stdout).toMatch(text);
    },
  );

  it("runs as `npx footfall` from the repository root", async () => {
    const r = await run("npx", ["--no-install", "footfall", "--help"], { cwd: REPO_ROOT, timeoutMs: 60_000 });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^Usage: footfall/);
  });
});

describe.concurrent("footfall with bad arguments", () => {
  const dir = tempDir("footfall-cli-");
  afterAll(() => dir.remove());

  const cases: [string, string[], RegExp][] = [
    ["an agent id with capitals and spaces", ["agent", "add", "Door One", "--store", "shop", "--kind", "door"], /agent "Door One" must be/],
    ["a bad store id", ["agent", "add", "door-1", "--store", "Shop!", "--kind", "door"], /store "Shop!" must be/],
    ["an unknown agent kind", ["agent", "add", "door-1", "--store", "shop", "--kind", "robot"], /--kind[\s\S]*door, beacon, camera, sim/],
    ["a missing --store", ["agent", "add", "door-1", "--kind", "door"], /--store/],
    ["an unknown role", ["token", "add", "--role", "root"], /--role[\s\S]*viewer, staff, merchandiser, admin/],
    ["an expiry that is no time", ["token", "add", "--role", "viewer", "--expires", "soon"], /--expires "soon" is neither a duration/],
    ["an expiry in the past", ["token", "add", "--role", "viewer", "--expires", "2020-01-01"], /--expires "2020-01-01" is in the past/],
    ["an expiry on a day that does not exist", ["token", "add", "--role", "viewer", "--expires", "2030-02-30"], /not a date in the calendar/],
    ["broker-config without the server's password", ["broker-config", "--out", "x"], /^footfall: broker-config needs the server's MQTT password \(user footfall-server\), the one the server connects with, for the passwd file: give it with --server-password <password> or set FOOTFALL_MQTT_PASSWORD; nothing was written\n$/],
    ["a bridge that names no store id", ["broker-config", "--out", "x", "--server-password", "p", "--bridge", "paris=Shop One"], /--bridge "paris=Shop One": give <site>=<store>/],
    [
      "a Home Assistant user name Mosquitto's password file cannot hold",
      ["broker-config", "--out", join(dir.path, "ha-name"), "--server-password", "p", "--home-assistant", "ha:x", "--new-data-dir"],
      /^footfall: --home-assistant "ha:x": Home Assistant's user name must be 1 to 64 letters, digits, _ \. or - \(Mosquitto's password file takes no ':' or space\), e\.g\. homeassistant; nothing was written\n$/,
    ],
    ["removing a bridge that is not there", ["broker-config", "--out", "x", "--server-password", "p", "--remove-bridge", "nowhere"], /--remove-bridge: no bridge of site "nowhere"/],
    ["an agent list that is not there", ["agent", "import", "no-such-agents.csv"], /cannot read the agent list no-such-agents\.csv: there is no such file; give the path of a CSV/],
    ["an agent list that is a folder", ["agent", "import", "."], /cannot read the agent list \.: it is a folder/],
    ["an unknown command", ["frobnicate"], /unknown command/],
    ["a demo speed that is no number", ["demo", "--speed", "fast"], /option '--speed <n>' argument 'fast' is invalid\. give a number, e\.g\. 60/],
    ["a demo store count that is no number", ["demo", "--stores", "twelve"], /option '--stores <n>' argument 'twelve' is invalid\. give a number/],
  ];
  it.each(cases)("fails with a message naming the problem for %s", async (_what, args, message) => {
    const r = await footfall(args, { dataDir: dir.path });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(message);
  });

  it.each([["backup", "copy.db"], ["restore", "copy.db"]])("refuses %s on PostgreSQL and names the tool to use instead", async (...args) => {
    const r = await footfall(args, { dataDir: dir.path, env: { FOOTFALL_DATABASE_URL: "postgres://footfall@localhost:5432/footfall" } });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/copy the SQLite database[\s\S]*PostgreSQL \(FOOTFALL_DATABASE_URL\)[\s\S]*pg_dump/);
  });

  it("cluster status with PostgreSQL unreachable says where it tried (password masked) and what to check", async () => {
    const r = await footfall(["cluster", "status"], { dataDir: dir.path, env: { FOOTFALL_DATABASE_URL: "postgres://footfall:s3cret@127.0.0.1:1/footfall" } });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/cannot reach PostgreSQL at postgres:\/\/footfall:\*\*\*@127\.0\.0\.1:1\/footfall \(FOOTFALL_DATABASE_URL\): .*ECONNREFUSED.*; is it running, and are the user, password and database right\?/);
    expect(r.stderr).not.toMatch(/s3cret/);
  });

  it("fails with a clear message for a malformed environment variable", async () => {
    const r = await footfall(["token", "add", "--role", "admin"], { dataDir: dir.path, env: { FOOTFALL_VISIT_TIMEOUT_MS: "soon" } });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/FOOTFALL_VISIT_TIMEOUT_MS/);
  });
});

describe("footfall on a new data folder", () => {
  it("runs several commands at once on a new data folder (each creates or migrates it safely)", async () => {
    const dir = tempDir("footfall-cli-race-");
    try {
      const results = await Promise.all(
        ["a", "b", "c", "d"].map((a) => footfall(["agent", "add", `door-${a}`, "--store", "shop", "--kind", "door"], { dataDir: dir.path })),
      );
      // Each says it makes a new database, unless another made it first: nothing else goes to stderr.
      const note = `footfall: note: no database in ${dir.path} (FOOTFALL_DATA_DIR), so a new, empty one is made at ${dir.path}/footfall.db; a server started on another folder does not see what this command writes there\n`;
      for (const r of results) expect([note, ""]).toContain(r.stderr);
      expect(results.map((r) => r.stderr)).toContain(note);
      expect(results.map((r) => r.code)).toEqual([0, 0, 0, 0]);
      const again = await footfall(["agent", "add", "door-e", "--store", "shop", "--kind", "door"], { dataDir: dir.path });
      expect([again.code, again.stderr]).toEqual([0, ""]);
    } finally {
      dir.remove();
    }
  });
});

describe("footfall's read-only commands on a folder with no database", () => {
  // A mistyped FOOTFALL_DATA_DIR (or one read before the first start): a command that reads, or revokes what must be
  // there, refuses and names the folder, and makes nothing there (no folder, no empty database that hides the typo).
  const dir = tempDir("footfall-cli-nodb-");
  afterAll(() => dir.remove());
  const READERS: [string, string[]][] = [
    ["token list", ["token", "list"]],
    ["token list --json", ["token", "list", "--json"]],
    ["agent list", ["agent", "list"]],
    ["agent list --json", ["agent", "list", "--json", "--store", "shop"]],
    ["token revoke", ["token", "revoke", "0123456789ab"]],
    ["agent revoke", ["agent", "revoke", "door-1", "--store", "shop"]],
    ["backup", ["backup", join(dir.path, "backup.db")]],
    ["digest list", ["digest", "list"]],
    ["digest send", ["digest", "send", "shop-daily-000000"]],
  ];
  const message = (folder: string, missing: boolean) =>
    `footfall: no Footfall database in ${folder}${missing ? ", a folder that does not exist" : ""} (FOOTFALL_DATA_DIR): is it the right folder? A server started with it creates one\n`;

  it.each(READERS)("%s on a folder that does not exist: exit 1, says so, creates nothing", async (name, args) => {
    const folder = join(dir.path, name.replace(/\W+/g, "-"), "data");
    const r = await footfall(args, { dataDir: folder });
    expect([r.code, r.stderr, r.stdout]).toEqual([1, message(folder, true), ""]);
    expect(existsSync(join(folder, ".."))).toBe(false);
    expect(existsSync(join(dir.path, "backup.db"))).toBe(false);
  });

  it.each(READERS)("%s on an empty folder: exit 1, says so, leaves it empty", async (name, args) => {
    const folder = tempDir("footfall-cli-empty-");
    try {
      const r = await footfall(args, { dataDir: folder.path });
      expect([r.code, r.stderr, r.stdout]).toEqual([1, message(folder.path, false), ""]);
      expect(readdirSync(folder.path)).toEqual([]);
      expect(existsSync(join(dir.path, "backup.db"))).toBe(false);
    } finally {
      folder.remove();
    }
  });

  it("token add (with no --store) still makes the database (with its note), and token list then reads it", async () => {
    const folder = join(dir.path, "new", "data");
    const added = await footfall(["token", "add", "--role", "viewer"], { dataDir: folder });
    expect(added.code, added.stderr).toBe(0);
    expect(added.stderr).toMatch(/^footfall: note: no database in .*, so a new, empty one is made/);
    const listed = await footfall(["token", "list", "--json"], { dataDir: folder });
    expect([listed.code, listed.stderr]).toEqual([0, ""]);
    expect((JSON.parse(listed.stdout) as { tokens: unknown[] }).tokens).toHaveLength(1);
  });
});

describe("footfall's writing commands on a mistyped data folder or store", () => {
  // broker-config on a folder with no database wrote a password file and ACL with no agent (and made an empty database):
  // Mosquitto then refused every agent, silently. token add --store <typo> made a token that sees nothing.
  const dir = tempDir("footfall-cli-guard-");
  afterAll(() => dir.remove());
  const server = ["--server-password", "secret-1"];
  const users = (out: string) =>
    readFileSync(join(out, "passwd"), "utf8")
      .split("\n")
      .filter(Boolean)
      .map((l) => l.split(":")[0]);
  const noDatabase = (folder: string, missing: boolean) =>
    `footfall: no Footfall database in ${folder}${missing ? ", a folder that does not exist" : ""} (FOOTFALL_DATA_DIR): is it the right folder? `;

  it.each([
    ["a folder that does not exist", true],
    ["an empty folder", false],
  ])("broker-config on %s: exit 1, says why and what to do, writes nothing", async (_what, missing) => {
    const folder = join(dir.path, missing ? "typo" : "empty", "data");
    if (!missing) mkdirSync(folder, { recursive: true });
    const out = join(dir.path, missing ? "typo-mosquitto" : "empty-mosquitto");
    const r = await footfall(["broker-config", "--out", out, ...server], { dataDir: folder });
    expect([r.code, r.stdout]).toEqual([1, ""]);
    expect(r.stderr).toBe(
      `${noDatabase(folder, missing)}broker-config writes the logins of its agents, and files with none make Mosquitto refuse every agent; nothing was written. \`footfall agent add\` makes the database; for a new installation with no agent yet, add --new-data-dir\n`,
    );
    expect(existsSync(out)).toBe(false);
    expect(missing ? existsSync(join(folder, "..")) : readdirSync(folder)).toEqual(missing ? false : []);
  });

  it("broker-config --new-data-dir writes the server's and Home Assistant's users alone, and makes no database", async () => {
    const folder = join(dir.path, "new", "data");
    const out = join(dir.path, "new-mosquitto");
    const r = await footfall(["broker-config", "--out", out, ...server, "--home-assistant", "--new-data-dir"], { dataDir: folder });
    expect([r.code, r.stderr]).toEqual([0, ""]);
    expect(users(out)).toEqual(["footfall-server", "homeassistant"]);
    expect(existsSync(folder)).toBe(false);
    // Once the folder has agents, the flag changes nothing: they are written.
    await addAgent(folder, "shop", "door-1", "door");
    const again = await footfall(["broker-config", "--out", out, ...server, "--new-data-dir"], { dataDir: folder });
    expect(again.code, again.stderr).toBe(0);
    expect(users(out)).toEqual(["footfall-server", "shop.door-1", "homeassistant"]);
  });

  it("broker-config on a database with no agent yet (only a token): writes the files, and says they admit no agent", async () => {
    const folder = join(dir.path, "tokens-only", "data");
    await addToken(folder, "admin");
    const out = join(dir.path, "tokens-only-mosquitto");
    const r = await footfall(["broker-config", "--out", out, ...server], { dataDir: folder });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe(
      `footfall: note: no agent in ${folder} (FOOTFALL_DATA_DIR) yet, so the files admit no agent (the server's user only): is it the right folder? Run broker-config again after \`footfall agent add\`\n`,
    );
    expect(users(out)).toEqual(["footfall-server"]);
  });

  it("token add --store on a folder with no database: exit 1, says so and how to mean a new store, creates nothing", async () => {
    const folder = join(dir.path, "token-typo", "data");
    const r = await footfall(["token", "add", "--role", "viewer", "--store", "shop"], { dataDir: folder });
    expect([r.code, r.stdout]).toEqual([1, ""]);
    expect(r.stderr).toBe(`${noDatabase(folder, true)}A server started with it creates one. For a store not set up yet, add --new-store\n`);
    expect(existsSync(join(folder, ".."))).toBe(false);
  });

  it("token add --store naming no store there: exit 1, the nearest store and the stores there, no token; --new-store makes it", async () => {
    const folder = join(dir.path, "stores", "data");
    await addAgent(folder, "paris-01", "door-1", "door"); // a store with an agent and no layout yet is known
    await addAgent(folder, "lyon-01", "door-1", "door");
    const typo = await footfall(["token", "add", "--role", "viewer", "--store", "pairs-01"], { dataDir: folder });
    expect([typo.code, typo.stdout]).toEqual([1, ""]);
    expect(typo.stderr).toBe(
      `footfall: --store: no store "pairs-01" in ${folder} (FOOTFALL_DATA_DIR). Did you mean "paris-01"? The stores there (with a layout or an agent): lyon-01, paris-01. For a store not set up yet (its first saved layout creates it), add --new-store\n`,
    );
    const listed = await footfallJson<{ tokens: unknown[] }>(["token", "list", "--json"], { dataDir: folder });
    expect(listed.tokens).toEqual([]);

    const known = await footfall(["token", "add", "--role", "viewer", "--store", "paris-01"], { dataDir: folder });
    expect([known.code, known.stderr]).toEqual([0, ""]);
    const meant = await footfall(["token", "add", "--role", "merchandiser", "--store", "nice-01", "--new-store"], { dataDir: folder });
    expect([meant.code, meant.stderr]).toEqual([0, ""]);
    expect(JSON.parse(meant.stdout)).toMatchObject({ role: "merchandiser", store: "nice-01" });
    const alone = await footfall(["token", "add", "--role", "viewer", "--new-store"], { dataDir: folder });
    expect([alone.code, alone.stderr]).toEqual([1, "footfall: --new-store: give it with --store <store>, the store being set up\n"]);
  });

  it("token add --store --new-store on a new folder makes the database (a store being set up)", async () => {
    const folder = join(dir.path, "setup", "data");
    const r = await footfall(["token", "add", "--role", "admin", "--store", "shop", "--new-store"], { dataDir: folder });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/^footfall: note: no database in .*, so a new, empty one is made/);
    expect(existsSync(join(folder, "footfall.db"))).toBe(true);
  });
});

describe("footfall agent add and token add while a server runs on the same data folder", () => {
  let server: ServerProcess;
  beforeAll(async () => {
    server = await ServerProcess.start();
  });
  afterAll(() => server?.dispose());

  it("refuses a second footfall serve on the folder (other ports), which leaves the first's pid file, so restore still refuses", async () => {
    const pidFile = `${server.dataDir}/footfall.pid`;
    const before = readFileSync(pidFile, "utf8");
    const second = await footfall(["serve"], {
      dataDir: server.dataDir,
      env: { FOOTFALL_HTTP_PORT: String(await freePort()), FOOTFALL_MQTT_PORT: String(await freePort()), FOOTFALL_METRICS_PORT: "off" },
      timeoutMs: 30_000,
    });
    expect(second.code).toBe(1);
    expect(second.stderr).toMatch(new RegExp(`^footfall: a Footfall server \\(pid ${server.pid}\\) is already running on .* \\(FOOTFALL_DATA_DIR\\): stop it first`, "m"));
    expect(readFileSync(pidFile, "utf8")).toBe(before);
    const restore = await footfall(["restore", pidFile], { dataDir: server.dataDir });
    expect(restore.code).toBe(1);
    expect(restore.stderr).toMatch(`a Footfall server (pid ${server.pid}) is running on`);
    expect((await fetch(`${server.httpUrl}/api/v1/health`)).status).toBe(200);
  }, 60_000);

  it("prints the new token as JSON, and the running server accepts it (a store being set up: --new-store)", async () => {
    const { token } = await footfallJson<{ token: string }>(["token", "add", "--role", "viewer", "--store", "shop", "--new-store"], { dataDir: server.dataDir });
    expect(token).toMatch(/^ff_/);
    expect(await new FootfallApi(server.httpUrl, token).me()).toEqual({ role: "viewer", store: "shop" });
  });

  it("prints the new agent's credentials as JSON, and the running server's broker admits it and takes its events", async () => {
    const admin = new FootfallApi(server.httpUrl, await addToken(server.dataDir, "admin"));
    await admin.putLayout("shop", smallLayout());
    const creds = await addAgent(server.dataDir, "shop", "door-9", "door");
    expect(creds).toEqual({ agent: "door-9", store: "shop", username: "shop.door-9", password: expect.stringMatching(/^\S{16,}$/) });
    const client = await connectMqtt({ url: server.mqttUrl, ...creds });
    await client.publishAsync(topics.events("shop", "door-9"), batchJson("door-9", [new EventFactory("door-9").count("entrance", Date.now() - 1000, 3, 1)]), {
      qos: 1,
    });
    await client.endAsync();
    const agent = await waitFor("the event counted for door-9", async () =>
      (await admin.agents("shop")).agents.find((a) => a.agent === "door-9" && a.events === 1),
    );
    expect(agent.kind).toBe("door");
    expect((await admin.occupancy("shop")).total).toBe(2);
  });

  it("gives an agent a new password when added again, and the old one stops working", async () => {
    const first = await addAgent(server.dataDir, "shop", "cam-9", "camera");
    const second = await addAgent(server.dataDir, "shop", "cam-9", "camera");
    expect(second.password).not.toBe(first.password);
    await expect(connectMqtt({ url: server.mqttUrl, ...first }, { reconnectPeriod: 0 })).rejects.toThrow();
    const client = await connectMqtt({ url: server.mqttUrl, ...second });
    await client.endAsync();
  });

  it("revokes an agent (the running server's broker refuses it), and the audit log names the command line", async () => {
    const creds = await addAgent(server.dataDir, "shop", "cam-8", "camera");
    const out = await footfallJson<{ revoked: boolean }>(["agent", "revoke", "cam-8", "--store", "shop"], { dataDir: server.dataDir });
    expect(out).toMatchObject({ agent: "cam-8", store: "shop", revoked: true });
    await expect(connectMqtt({ url: server.mqttUrl, ...creds }, { reconnectPeriod: 0 })).rejects.toThrow();
    const admin = new FootfallApi(server.httpUrl, await addToken(server.dataDir, "admin"));
    const log = await admin.request<{ entries: { action: string; target: string; actor: { tokenId: string | null; label: string | null } }[] }>("GET", "/api/v1/audit?target=shop/cam-8");
    expect(log.body.entries.map((e) => [e.action, e.actor.tokenId, e.actor.label])).toEqual([
      ["agent.revoke", null, "cli"],
      ["agent.add", null, "cli"],
    ]);
    await expect(footfallJson(["agent", "revoke", "nobody", "--store", "shop"], { dataDir: server.dataDir })).rejects.toThrow(/no agent "nobody" in store "shop"/);
  });
});

describe("footfall token list, revoke and --expires", () => {
  let server: ServerProcess;
  beforeAll(async () => {
    server = await ServerProcess.start();
  });
  afterAll(() => server?.dispose());

  interface Listed {
    id: string;
    role: string;
    store: string | null;
    label: string | null;
    createdAt: number;
    expiresAt: number | null;
    revokedAt: number | null;
    lastUsedAt: number | null;
    state: string;
  }
  const list = () => footfallJson<{ tokens: Listed[] }>(["token", "list", "--json"], { dataDir: server.dataDir }).then((r) => r.tokens);

  it("adds a token limited to a store group with --group, and refuses an unknown group or both scopes", async () => {
    const admin = new FootfallApi(server.httpUrl, await addToken(server.dataDir, "admin"));
    expect((await admin.request("POST", "/api/v1/groups", { id: "north", name: "North" })).status).toBe(200);
    const added = await footfallJson<{ token: string } & Listed & { group: string | null }>(["token", "add", "--role", "staff", "--group", "north"], { dataDir: server.dataDir });
    expect(added).toMatchObject({ role: "staff", store: null, group: "north" });
    const me = await new FootfallApi(server.httpUrl, added.token).request<{ group?: string }>("GET", "/api/v1/me");
    expect(me.body.group).toBe("north");
    await expect(footfallJson(["token", "add", "--role", "viewer", "--group", "south"], { dataDir: server.dataDir })).rejects.toThrow(/no store group "south"/);
    await expect(footfallJson(["token", "add", "--role", "viewer", "--group", "north", "--store", "shop"], { dataDir: server.dataDir })).rejects.toThrow(/not both/);
  });

  it("refuses (no token made) a --store naming no store there, with the nearest: a typo gives a token that sees nothing", async () => {
    const admin = new FootfallApi(server.httpUrl, await addToken(server.dataDir, "admin"));
    await admin.putLayout("shop", smallLayout()); // a store with a layout (no agent) is known
    const before = (await list()).length;
    const typo = await footfall(["token", "add", "--role", "viewer", "--store", "shpo"], { dataDir: server.dataDir });
    expect([typo.code, typo.stdout]).toEqual([1, ""]);
    expect(typo.stderr).toMatch(/^footfall: --store: no store "shpo" in .* \(FOOTFALL_DATA_DIR\)\. Did you mean "shop"\? The stores there \(with a layout or an agent\): [a-z0-9, -]*\bshop\b[a-z0-9, -]*\. For a store not set up yet \(its first saved layout creates it\), add --new-store\n$/);
    expect(await list()).toHaveLength(before);
    const known = await footfall(["token", "add", "--role", "viewer", "--store", "shop"], { dataDir: server.dataDir });
    expect(known.code).toBe(0);
    expect(known.stderr).toBe("");
  });

  it("adds a token that expires after --expires 90d, and lists it by id without the token", async () => {
    const before = Date.now();
    const added = await footfallJson<{ token: string } & Listed>(["token", "add", "--role", "merchandiser", "--store", "shop", "--label", "Bob", "--expires", "90d"], { dataDir: server.dataDir });
    expect(added.expiresAt! - added.createdAt).toBe(90 * 86_400_000);
    expect(added.createdAt).toBeGreaterThanOrEqual(before);
    const listed = (await list()).find((x) => x.id === added.id);
    expect(listed).toEqual({ id: added.id, role: "merchandiser", store: "shop", group: null, label: "Bob", createdAt: added.createdAt, expiresAt: added.expiresAt, revokedAt: null, lastUsedAt: null, state: "active" });
    const table = await footfall(["token", "list"], { dataDir: server.dataDir });
    expect(table.stdout).toMatch(new RegExp(`^${added.id}\\s+merchandiser\\s+shop\\s+active\\s.*Bob$`, "m"));
    expect(table.stdout + JSON.stringify(await list())).not.toContain(added.token);
  });

  it("takes 12h, 2w and a date as --expires", async () => {
    for (const [expires, check] of [
      ["12h", (t: Listed) => t.expiresAt! - t.createdAt === 12 * 3_600_000],
      ["2w", (t: Listed) => t.expiresAt! - t.createdAt === 14 * 86_400_000],
      ["2031-06-30", (t: Listed) => t.expiresAt === Date.UTC(2031, 5, 30)],
    ] as const) {
      const added = await footfallJson<Listed>(["token", "add", "--role", "viewer", "--expires", expires], { dataDir: server.dataDir });
      expect(check(added), expires).toBe(true);
    }
  });

  it("revokes a token by id, and the running server refuses it at once", async () => {
    const token = await addToken(server.dataDir, "viewer");
    const api = new FootfallApi(server.httpUrl, token);
    expect(await api.me()).toEqual({ role: "viewer", store: null });
    const id = (await list()).find((x) => x.lastUsedAt !== null && x.role === "viewer" && x.state === "active" && x.store === null)!.id;
    const unknown = await footfall(["token", "revoke", "0123456789ab"], { dataDir: server.dataDir });
    expect([unknown.code, unknown.stderr]).toEqual([1, 'footfall: no token with id "0123456789ab": `footfall token list` shows the ids\n']);
    const revoked = await footfallJson<Listed>(["token", "revoke", id], { dataDir: server.dataDir });
    expect(revoked).toMatchObject({ id, state: "revoked", revokedAt: expect.any(Number) });
    const res = await api.request<{ message: string }>("GET", "/api/v1/me");
    expect(res.status).toBe(401);
    expect(res.body.message).toMatch(/this token was revoked/);
    expect((await list()).find((x) => x.id === id)!.state).toBe("revoked");
  });
});

