#!/usr/bin/env node
import { Command, InvalidArgumentError, Option } from "commander";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { AGENT_KINDS, DEFAULT_CLOCK_WARN_MS, DEMO_BACKFILL_HOURS, DEMO_CHAIN_BACKFILL_HOURS, isId, nameFlaw, type AgentKind } from "@footfall/core";
import { ConfigError, configFromEnv, type ServerConfig } from "./config.js";
import { ROLES, type Role, type Storage } from "./storage/types.js";
import { isRole, unknownRoleMessage } from "./auth/roles.js";
import { readExpiry } from "./routes/times.js";
import { stateOf } from "./routes/tokens.js";
import { auditPage, auditSystem } from "./admin/audit.js";
import { BROKER_USERS_FILE, DEFAULT_HA_USERNAME, isBrokerUserName, mosquittoFiles, readPasswdHashes, readUsersSpec, resolveUsers } from "./broker-files.js";
import { VERSION } from "./version.js";
import type { Logger } from "./log.js";
import { openStorage } from "./storage.js";
import type { PgStorage } from "./storage-pg/adapter.js";
import { DATABASE_FILE, noDatabaseMessage } from "./db/database.js";
import { AGENT_LIST_STATUSES, agentJsonLines, agentListOpened, agentTable, emptyListMessage, storesWithoutAgents } from "./agent-list-format.js";
import { storedOpening } from "./analytics/zone-tracking.js";
import { knownStores, nearestStores, newStoreNote, unknownStoreMessage, unknownStores } from "./store-check.js";
import { AUDIT_LIMIT_DEFAULT, AUDIT_LIMIT_MAX, auditTable } from "./audit-list-format.js";
import { visible } from "./terminal-text.js";
import { tokenTable } from "./token-list-format.js";
import { id, ids, number, statusList, time, wholeNumber } from "./cli-options.js";
import { ENV_HELP } from "./cli-env-help.js";

const print = (value: unknown) => process.stdout.write(`${JSON.stringify(value)}\n`);

/**
 * Runs `fn` on the data folder's storage, closed afterwards. A SQLite database that is not there yet is made, and said
 * so on stderr: a mistyped FOOTFALL_DATA_DIR would otherwise put a token or an agent where no server looks. With
 * `existing` (the commands that read, or revoke what must already be there) it is refused instead, creating nothing:
 * an empty list from a mistyped folder would hide the typo.
 */
async function withStorage<T>(fn: (storage: Storage) => Promise<T>, dataDir = configFromEnv().dataDir, opts: { existing?: boolean; next?: string } = {}): Promise<T> {
  const databaseUrl = configFromEnv().databaseUrl ?? null;
  const database = join(dataDir, DATABASE_FILE);
  if (!databaseUrl && opts.existing && !existsSync(database)) throw new Error(noDatabaseMessage(dataDir, opts.next));
  if (!databaseUrl && !existsSync(database))
    process.stderr.write(
      `footfall: note: no database in ${dataDir} (FOOTFALL_DATA_DIR), so a new, empty one is made at ${database}; a server started on another folder does not see what this command writes there\n`,
    );
  const storage = await openStorage(dataDir, { databaseUrl, poolMax: 2 });
  try {
    return await fn(storage);
  } finally {
    await storage.close();
  }
}

/** Where the CLI's storage is, in a refusal's words: the SQLite folder or PostgreSQL. */
const storageWhere = (config: ServerConfig) => (config.databaseUrl ? "the PostgreSQL database (FOOTFALL_DATABASE_URL)" : `${config.dataDir} (FOOTFALL_DATA_DIR)`);

/**
 * Refuses `--store <store>` (one or several) unless the data folder knows every one (a layout or an agent), naming the
 * nearest and the stores there are: a token for a mistyped store would see nothing, a revoke or a list of one would find
 * nothing. `next` says what to do instead (`token add`: `--new-store`, a store being set up).
 */
async function requireKnownStores(storage: Storage, stores: readonly string[], config: ServerConfig, next?: string): Promise<void> {
  const known = await knownStores(storage);
  const unknown = unknownStores(stores, known);
  if (unknown.length > 0) throw new InvalidArgumentError(unknownStoreMessage(unknown, known, storageWhere(config), next));
}

/** A port already taken (or not ours to take), or an address this machine has not, said in one line, naming the variable that moves it. */
function explainListenError(err: unknown, config: ServerConfig): unknown {
  const e = err as NodeJS.ErrnoException & { port?: number; address?: string; hostname?: string };
  // The listeners' address settings, for a name that does not resolve (getaddrinfo) or an address that is not this machine's.
  const hosts: [string, string | undefined][] = [
    ["FOOTFALL_HTTP_HOST", config.httpHost],
    ["FOOTFALL_MQTT_HOST", config.mqttUrl ? undefined : config.mqttHost],
    ["FOOTFALL_METRICS_HOST", config.metrics?.host],
  ];
  /** The settings that hold `host`, "A and B", or null for none. */
  const hostVariables = (host: string | undefined) => {
    const named = hosts.filter(([, h]) => h !== undefined && h === host).map(([name]) => name);
    return named.length > 0 ? named.join(" and ") : null;
  };
  if ((e?.code === "ENOTFOUND" || e?.code === "EAI_AGAIN") && e.syscall === "getaddrinfo") {
    const named = hostVariables(e.hostname);
    if (named === null) return err;
    return new Error(
      `cannot listen on "${e.hostname}" (${named}): the name does not resolve to an address (getaddrinfo ${e.code}); set ${named} to an address of this machine: 0.0.0.0 (every interface), 127.0.0.1 (this machine only) or one of its own`,
    );
  }
  if (e?.code !== "EADDRINUSE" && e?.code !== "EACCES" && e?.code !== "EADDRNOTAVAIL") return err;
  if (e.syscall !== "listen" && e.syscall !== "bind") return err;
  const listener = e.port === config.metrics?.port ? "METRICS" : e.port === config.mqttPort && !config.mqttUrl ? "MQTT" : "HTTP";
  const variable = `FOOTFALL_${listener}_PORT`;
  const where = e.port ? `${e.address ?? "?"}:${e.port}` : (e.address ?? "?"); // port 0 (any free one) fails without a port
  const what =
    e.code === "EADDRINUSE"
      ? `port ${where} is already in use (EADDRINUSE): stop what listens there (another footfall?) or set ${variable} to a free port`
      : e.code === "EACCES"
        ? `this user may not listen on ${where} (EACCES): use a port above 1023 in ${variable}`
        : `cannot listen on ${where} (EADDRNOTAVAIL): this machine has no such address; set ${hostVariables(e.address) ?? `FOOTFALL_${listener}_HOST`} to one of its own, 0.0.0.0 (every interface) or 127.0.0.1 (this machine only)`;
  return new Error(what);
}

/**
 * Close cleanly on SIGINT/SIGTERM, telling `close` which signal it was (the JSON "footfall server stopped" line names it).
 * Its own words are lines of the server's JSON log like the others (`signal`): "SIGINT: shutting down..." at info, a
 * failed shutdown at error. With the log above their level (FOOTFALL_LOG_LEVEL=warn) a terminal still gets the words on stderr (a failure: always).
 */
function closeOnSignal(close: (signal: NodeJS.Signals) => Promise<void>, log: Logger): void {
  let stopping = false;
  const say = (level: "info" | "error", fields: Record<string, unknown>, msg: string) => {
    if (log.isLevelEnabled(level)) log[level](fields, msg);
    else if (level === "error" || process.stderr.isTTY) process.stderr.write(`${msg}\n`);
  };
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) process.exit(1);
    stopping = true;
    // On a terminal, the ^C stays on a line of its own.
    if (process.stderr.isTTY) process.stderr.write("\n");
    say("info", { signal }, `${signal}: shutting down... (${signal} again stops at once)`);
    close(signal).then(
      () => process.exit(0),
      (err: Error) => {
        say("error", { signal, err: err.message }, `shutdown failed: ${err.message}`);
        process.exit(1);
      },
    );
  };
  process.on("SIGINT", () => stop("SIGINT"));
  process.on("SIGTERM", () => stop("SIGTERM"));
}

const program = new Command("footfall")
  .description("Footfall: in-store foot traffic. Agents publish zone events over MQTT; the server turns them into occupancy, dwell and paths.")
  .version(VERSION)
  .addHelpText("after", ENV_HELP)
  .showHelpAfterError();

program
  .command("serve")
  .description("run the server: embedded MQTT broker (or FOOTFALL_MQTT_URL), ingest, HTTP API and UI, live push")
  .addHelpText("after", ENV_HELP)
  .action(async () => {
    // The server is loaded only by the commands that run it, so `token add` and `--help` start fast.
    const { startServer } = await import("./server.js");
    const config = configFromEnv();
    const server = await startServer(config).catch((err: unknown) => {
      throw explainListenError(err, config);
    });
    closeOnSignal(server.close, server.services.log);
  });

program
  .command("demo")
  .description("serve plus a simulated store: prints the URL and an admin token")
  .option("--speed <n>", "visitors come n times as often as in a real store and stay n times shorter (1: a real store's pace; 60: a busy demo); the store's day and opening hours keep to the clock at any speed", number("e.g. 60"), 1)
  .option("--stores <n>", "a chain of this many simulated stores (own floor plans, cities, hours and crowds) instead of the one demo store", number("e.g. 12"), 1)
  .option(
    "--backfill-hours <n>",
    `simulate this many past hours at start, so the charts have history (default: ${DEMO_BACKFILL_HOURS}, a day on both sides of the demo store's past layout change at any hour; with --stores: ${DEMO_CHAIN_BACKFILL_HOURS}); at most 160 (the server takes events up to 7 days old: more is cut to 160 and the banner says so). A restart back-fills only after the newest event already held`,
    number("e.g. 72"),
  )
  .option(
    "--curve <file>",
    "the demo store's arrivals follow this weekly curve (JSON: {\"weeklyCurve\": [168 multipliers, Monday 00:00 first]}), e.g. a real street's typical week: node test/bench/sim-curve.mjs --dataset leeds --series Briggate > curve.json",
  )
  .addHelpText("after", ENV_HELP)
  .action(async (opts: { speed: number; backfillHours?: number; stores: number; curve?: string }) => {
    const { runDemo } = await import("./demo.js");
    const config = configFromEnv();
    const backfillHours = opts.backfillHours ?? (opts.stores > 1 ? DEMO_CHAIN_BACKFILL_HOURS : DEMO_BACKFILL_HOURS);
    const demo = await runDemo(config, { ...opts, backfillHours }).catch((err: unknown) => {
      throw explainListenError(err, config);
    });
    closeOnSignal(demo.close, demo.server.services.log);
  });

const agent = program.command("agent").description("manage edge agents: add, list, revoke, import");
agent
  .command("add")
  .description("create an agent (or give it a new password); prints {agent, store, username, password} as JSON")
  .argument("<agent>", "agent id, e.g. door-1", id("agent"))
  .requiredOption(
    "--store <store>",
    "the store it reports for; a store new to the data folder (no layout, no agent: its first agent makes it known) is taken, with a note on stderr naming the nearest known one (a typo?)",
    id("store"),
  )
  .addOption(new Option("--kind <kind>", "what it reads").choices(AGENT_KINDS).makeOptionMandatory())
  .option("--new-store", "the store is new to the data folder and meant (a store being set up): no note")
  .action(async (agentId: string, opts: { store: string; kind: AgentKind; newStore?: boolean }) => {
    const config = configFromEnv();
    await withStorage(async (storage) => {
      const existed = await storage.agents.get(opts.store, agentId);
      // A new store is how the system learns of one (agents come before the first layout): taken, but a folder with other
      // stores hears which one it is most likely a typo of.
      const note =
        existed || opts.newStore
          ? null
          : newStoreNote(
              opts.store,
              await knownStores(storage),
              storageWhere(config),
              () => `${agentId} is its first agent`,
              `A typo? \`footfall agent revoke ${agentId} --store ${opts.store}\`, then add it with the right --store. A new store: --new-store says so, with no note`,
            );
      const creds = await storage.agents.add(opts.store, agentId, opts.kind, Date.now());
      await auditSystem(storage, Date.now(), existed ? "agent.rotate" : "agent.add", `${opts.store}/${agentId}`, { kind: opts.kind }, opts.store);
      print(creds);
      if (note) process.stderr.write(`footfall: ${note}\n`);
    }, config.dataDir);
  });
agent
  .command("revoke")
  .description(
    "revoke an agent: its MQTT login fails from then on (regenerate the broker files for an external Mosquitto); `agent add` lets it in again with a new password. A store that was never more than its agents' name (no layout, no data, every agent revoked and never heard from: a mistyped --store) goes with its last agent, and the command says so",
  )
  .argument("<agent>", "agent id", id("agent"))
  .requiredOption("--store <store>", "its store: one with a layout or an agent (refused otherwise, naming the nearest and the stores there are)", id("store"))
  .action(async (agentId: string, opts: { store: string }) => {
    const config = configFromEnv();
    await withStorage(async (storage) => {
      if (!(await storage.agents.revoke(opts.store, agentId, Date.now()))) {
        await requireKnownStores(storage, [opts.store], config, "Nothing was revoked");
        const agents = (await storage.agents.list(opts.store)).map((a) => a.agent);
        const nearest = nearestStores(agentId, agents);
        const guess = nearest.length > 0 ? ` Did you mean ${nearest.map((a) => `"${a}"`).join(" or ")}?` : "";
        const list = agents.length > 0 ? ` Its agents: ${agents.slice(0, 20).join(", ")}${agents.length > 20 ? ` and ${agents.length - 20} more` : ""}.` : " It has no agent.";
        throw new InvalidArgumentError(`no agent "${agentId}" in store "${opts.store}".${guess}${list} Nothing was revoked`);
      }
      // A store that was never more than this name (a mistyped --store: no layout, no data, its agents all revoked and
      // never heard from) goes with its last agent, so no list names it again.
      const forgotten = await storage.agents.forgetUnusedStore(opts.store);
      await auditSystem(storage, Date.now(), "agent.revoke", `${opts.store}/${agentId}`, forgotten ? { storeForgotten: true } : null, opts.store);
      print({ agent: agentId, store: opts.store, revoked: true, ...(forgotten ? { storeForgotten: true } : {}), next: "with an external Mosquitto: footfall broker-config --out <dir>, then reload mosquitto (SIGHUP)" });
      if (forgotten)
        process.stderr.write(
          `footfall: store "${opts.store}" is gone too: it had no layout, no data and no other agent, and ${agentId} was never heard from (a mistyped --store?). No list names it now; \`footfall agent add ${agentId} --store <store>\` adds an agent again\n`,
        );
    }, config.dataDir, { existing: true });
  });
agent
  .command("import")
  .description(
    "create many agents at once (a chain's stores) from a CSV file whose header names store, agent and kind, a JSON array of {store, agent, kind} or JSON Lines of them; every row is checked first (a bad row refuses the whole file, naming its line); prints one {agent, store, username, password} per line (JSON Lines, the chain simulator's --credentials file); an agent that exists gets a new password; stores new to a data folder that has others are taken, noted on stderr with the nearest known ones (a typo?)",
  )
  .argument("<file>", "the agent list (- reads stdin)")
  .action(async (file: string) => {
    const { readFileSync } = await import("node:fs");
    const { parseAgentList } = await import("./agent-list.js");
    let text: string;
    try {
      text = readFileSync(file === "-" ? 0 : file, "utf8");
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== "ENOENT" && code !== "EISDIR" && code !== "EACCES") throw err;
      const why = code === "ENOENT" ? "there is no such file" : code === "EISDIR" ? "it is a folder" : "this user may not read it";
      throw new InvalidArgumentError(`cannot read the agent list ${file}: ${why}; give the path of a CSV (header store,agent,kind), JSON or JSON Lines file, or - to read it from stdin`);
    }
    const list = parseAgentList(text, file === "-" ? "stdin" : file);
    if (!list.ok) {
      const more = list.problems.length > 20 ? `\n... and ${list.problems.length - 20} more` : "";
      throw new InvalidArgumentError(`${list.problems.slice(0, 20).join("\n")}${more}\nnothing was written`);
    }
    const config = configFromEnv();
    await withStorage(async (storage) => {
      // The file's new stores are taken (a chain's stores get their first agents so), noted when the folder has others.
      const note = newStoreNote(
        list.rows.map((r) => r.store),
        await knownStores(storage),
        storageWhere(config),
        (plural) => `the file gives ${plural ? "them their" : "it its"} first agents`,
        "A typo? `footfall agent revoke <agent> --store <store>` takes an agent back; add it again with the right store",
      );
      for (const row of list.rows) {
        const now = Date.now();
        const existed = await storage.agents.get(row.store, row.agent);
        const creds = await storage.agents.add(row.store, row.agent, row.kind, now);
        await auditSystem(storage, now, existed ? "agent.rotate" : "agent.add", `${row.store}/${row.agent}`, { kind: row.kind }, row.store);
        print(creds);
      }
      if (note) process.stderr.write(`footfall: ${note}\n`);
    }, config.dataDir);
  });

agent
  .command("list")
  .description(
    "list the agents, by store then agent: status (online, offline, never-seen, revoked; closed: offline since its store closed, as footfall_agents{state} counts it), when the server last heard from each (your time zone, and how long ago), its clock's offset from the server's (! past FOOTFALL_CLOCK_WARN_MS, as the Agents view flags it) and when it was revoked; reads the database, so it works while the server runs",
  )
  .addOption(
    new Option(
      "--store <store>",
      "only this store (repeatable, or comma-separated); a store the data folder does not know (no layout, no agent) is refused, naming the nearest",
    ).argParser(ids("store")),
  )
  .addOption(new Option("--status <status>", `only these statuses: ${AGENT_LIST_STATUSES.join(", ")} (repeatable, or comma-separated)`).argParser(statusList))
  .option("--json", "print one JSON object per agent per line (JSON Lines; times in epoch ms) instead of a table")
  .action(async (opts: { store?: string[]; status?: string[]; json?: boolean }) => {
    const config = configFromEnv();
    const warnMs = config.clockWarnMs ?? DEFAULT_CLOCK_WARN_MS;
    await withStorage(async (storage) => {
      const rows = await storage.agents.listAll();
      // A store named that the folder does not know is a typo: an empty list (exit 0) would read "none offline".
      if (opts.store?.length) await requireKnownStores(storage, opts.store, config, "`footfall agent list` without --store lists every store's agents");
      const filter = { stores: opts.store ?? [], statuses: opts.status ?? [] };
      // Opening hours, as the Agents API reads them: an agent down since its store closed needs no attention until it opens (read for the stores with one down only).
      const now = Date.now();
      const entries = await agentListOpened(rows, filter, warnMs, now, (s) => storedOpening(storage, s, now));
      const missing = storesWithoutAgents(rows, filter.stores);
      if (entries.length > 0 && missing.length > 0) process.stderr.write(`footfall: note: no agents in store ${missing.map((m) => `"${m}"`).join(", ")}\n`);
      if (entries.length === 0) {
        const message = `${emptyListMessage(rows, filter)}\n`;
        return opts.json ? process.stderr.write(message) : process.stdout.write(message);
      }
      if (opts.json) return process.stdout.write(agentJsonLines(entries));
      process.stdout.write(agentTable(entries, { now, timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone, warnMs }));
    }, config.dataDir, { existing: true });
  });

const token = program.command("token").description("manage API tokens: add, list, label (rename), revoke");
token
  .command("add")
  .description("create an API token; prints {token, id, ...} as JSON (the token is shown once, stored hashed)")
  .addOption(
    new Option("--role <role>", "viewer: analytics; staff: live occupancy; merchandiser: a viewer who also saves layouts, departments and experiments; admin: everything (there is no manager role: a store manager gets admin with --store)")
      .choices(ROLES)
      // After choices (kept for --help): a role that does not exist says which one each job gets.
      .argParser((value: string): Role => {
        if (!isRole(value)) throw new InvalidArgumentError(unknownRoleMessage(value));
        return value;
      })
      .makeOptionMandatory(),
  )
  .option("--store <store>", "limit the token to one store: one with a layout or an agent (refused otherwise, naming the stores there are)", id("store"))
  .option("--new-store", "with --store: the store is not set up yet (no layout, no agent); its first saved layout creates it, and the token sees it from then on")
  .option("--group <group>", "limit the token to the stores of a store group (created in Admin > Store settings, or with POST /api/v1/groups); not with --store", id("group"))
  .option("--label <label>", "a note to recognise it by: one line of plain text (no control character, no bidirectional override)")
  .option("--expires <when>", "expire after a duration (30m, 12h, 90d, 2w) or at a time (2027-01-31, ISO 8601); never by default")
  .action(async (opts: { role: Role; store?: string; newStore?: boolean; group?: string; label?: string; expires?: string }) => {
    const now = Date.now();
    const config = configFromEnv();
    if (opts.store !== undefined && opts.group !== undefined) throw new InvalidArgumentError("--group: give --store or --group, not both");
    if (opts.newStore && opts.store === undefined) throw new InvalidArgumentError("--new-store: give it with --store <store>, the store being set up");
    // The API's rule for names (core names.ts): a label is shown in tables, the UI and the audit log.
    const labelFlaw = opts.label === undefined ? null : nameFlaw(opts.label);
    if (labelFlaw) throw new InvalidArgumentError(`--label ${labelFlaw.flaw}`);
    let expiresAt: number | null = null;
    if (opts.expires !== undefined) {
      const e = readExpiry(opts.expires, now);
      if (!e.ok) throw new InvalidArgumentError(`--expires ${e.error}`);
      expiresAt = e.ms;
    }
    // A token for a store the folder does not know would see nothing: refused (a folder with no database knows none, and
    // is not made), unless --new-store says the store is being set up.
    const checkStore = opts.store !== undefined && !opts.newStore;
    await withStorage(
      async (storage) => {
        if (opts.group !== undefined && !(await storage.groups.get(opts.group)))
          throw new InvalidArgumentError(`--group: no store group "${opts.group}": an admin creates it in the UI (Admin > Store settings) or with POST /api/v1/groups`);
        if (checkStore) await requireKnownStores(storage, [opts.store!], config);
        const { token: secret, info } = await storage.tokens.create(opts.role, opts.store ?? null, now, { label: opts.label ?? null, expiresAt, group: opts.group ?? null });
        await auditSystem(storage, now, "token.create", info.id, { ...info }, info.store);
        print({ token: secret, ...info });
      },
      config.dataDir,
      { existing: checkStore, next: `A server started with it creates one. For a store not set up yet, add --new-store` },
    );
  });
token
  .command("list")
  .description("list the tokens: id, role, store, label, created, expires, last used, state (never the tokens themselves)")
  .option("--json", 'print {"tokens":[...]} as JSON (times in epoch ms) instead of a table')
  .action(async (opts: { json?: boolean }) => {
    await withStorage(async (storage) => {
      const now = Date.now();
      const tokens = await storage.tokens.list();
      if (opts.json) return print({ tokens: tokens.map((t) => ({ ...t, state: stateOf(t, now) })) });
      process.stdout.write(tokenTable(tokens, now));
    }, undefined, { existing: true });
  });
token
  .command("revoke")
  .description("revoke a token at once (HTTP at once, live screens within a second); prints it as JSON")
  .argument("<id>", "the token's id from `footfall token list` (or the token itself)")
  .action(async (tokenId: string) => {
    await withStorage(async (storage) => {
      const revoked = await storage.tokens.revoke(tokenId.trim(), Date.now());
      if (!revoked) throw new InvalidArgumentError(`no token with id "${tokenId}": \`footfall token list\` shows the ids`);
      await auditSystem(storage, Date.now(), "token.revoke", revoked.id, { role: revoked.role, label: revoked.label }, revoked.store);
      print({ ...revoked, state: "revoked" });
    }, undefined, { existing: true });
  });
token
  .command("label")
  .description("rename a token: give it a new label (\"\": none); its role, store, expiry and the token itself stay; prints it as JSON")
  .argument("<id>", "the token's id from `footfall token list`")
  .argument("<label>", "the new label, a note to recognise it by (at most 200 characters)")
  .action(async (tokenId: string, label: string) => {
    const wanted = label.trim() || null;
    if (wanted !== null && wanted.length > 200) throw new InvalidArgumentError(`the label is ${wanted.length} characters long: give at most 200`);
    const labelFlaw = wanted === null ? null : nameFlaw(wanted);
    if (labelFlaw) throw new InvalidArgumentError(`the label ${labelFlaw.flaw}`);
    await withStorage(async (storage) => {
      const id = tokenId.trim();
      const before = /^[0-9a-f]{12}$/.test(id) ? await storage.tokens.get(id) : undefined;
      if (!before) throw new InvalidArgumentError(`no token with id "${tokenId}": \`footfall token list\` shows the ids`);
      const changed = (await storage.tokens.relabel(before.id, wanted))!;
      await auditSystem(storage, Date.now(), "token.label", changed.id, { from: before.label, to: wanted }, changed.store);
      print({ ...changed, state: stateOf(changed, Date.now()) });
    }, undefined, { existing: true });
  });

const audit = program.command("audit").description("read the audit log of admin actions (who did what, on what, when): `footfall audit list`");
audit
  .command("list", { isDefault: true })
  .description(
    "list the audit log, newest first, as GET /api/v1/audit and Admin > Audit do: when (your time zone), who (a token's label, role and id; cli for this command line), what, on what, store, details; reads the database, so it works while the server runs",
  )
  .option("--store <store>", "only this store's entries (not those of no store)", id("store"))
  .option("--action <action>", "only this action (token.create), or those of a prefix ending in a dot (token.)")
  .option("--actor <token-id>", "only what this token did (its id from `footfall token list`)")
  .option("--target <target>", "only what was done to this (a token id, store/agent, a store)")
  .option("--from <time>", "only entries from this time: ISO 8601 (2026-11-22T09:00:00Z, 2026-11-22: UTC) or epoch ms", time)
  .option("--to <time>", "only entries before this time (same forms)", time)
  .option("--limit <n>", `at most this many entries (1-${AUDIT_LIMIT_MAX})`, wholeNumber(1, AUDIT_LIMIT_MAX, "how many entries to list"), AUDIT_LIMIT_DEFAULT)
  .option("--before <id>", "the next page: entries older than this id (the `next` of --json, or the table's last line)", wholeNumber(1, Number.MAX_SAFE_INTEGER, "an entry id, the `next` of the page before"))
  .option("--json", 'print GET /api/v1/audit\'s answer, {"entries":[...],"next"} (times in epoch ms), instead of a table')
  .action(async (opts: { store?: string; action?: string; actor?: string; target?: string; from?: number; to?: number; limit: number; before?: number; json?: boolean }) => {
    // The API's bounds, in the CLI's words.
    if (opts.actor !== undefined && !/^[0-9a-f]{12}$/.test(opts.actor)) throw new InvalidArgumentError(`--actor "${visible(opts.actor)}" is not a token id: give the 12 hex digits \`footfall token list\` shows`);
    if (opts.action !== undefined && opts.action.length > 80) throw new InvalidArgumentError("--action: give at most 80 characters (an action such as token.create, or a prefix such as token.)");
    if (opts.target !== undefined && opts.target.length > 200) throw new InvalidArgumentError("--target: give at most 200 characters");
    const config = configFromEnv();
    const { json, limit, before, ...given } = opts;
    await withStorage(async (storage) => {
      const page = await auditPage(storage, { ...given, ...(before !== undefined ? { before } : {}), limit });
      // A mistyped store lists nothing: said so, naming the nearest. A store gone since keeps its entries, which list.
      if (page.entries.length === 0 && opts.store !== undefined) {
        await requireKnownStores(storage, [opts.store], config, "`footfall audit list` without --store lists every store's entries");
      }
      if (json) return print(page);
      const filters = Object.entries(given).map(([k, v]) => `--${k} ${typeof v === "number" ? new Date(v).toISOString() : v}`);
      process.stdout.write(auditTable(page, { timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone, filters, ...(before !== undefined ? { before } : {}) }));
    }, config.dataDir, { existing: true });
  });

program
  .command("broker-config")
  .description(
    "write a Mosquitto password file and ACL for every agent and the server's own user, plus the store sites' bridge users and a read-only Home Assistant user you ask for (kept in <dir>/broker-users.json for the next runs)",
  )
  .requiredOption("--out <dir>", "folder to write passwd and acl into")
  .option("--server-username <name>", "the server's MQTT user (or FOOTFALL_MQTT_USERNAME; default footfall-server: give the server the same in FOOTFALL_MQTT_USERNAME)")
  .option(
    "--server-password <password>",
    "its password, required (or FOOTFALL_MQTT_PASSWORD): the one the server connects with, written into passwd at every run (without it nothing is written)",
  )
  .option(
    "--bridge <site=stores>",
    "a store site's Mosquitto bridged to this broker (deploy/site/mosquitto.conf): user site-<site> may write the events, status and audits of those stores' agents and read their receipts and layouts; `--bridge store-0001` is a site of one store (repeatable; kept for later runs). A store the database does not know (no layout, no agent) is noted on stderr with the nearest known one",
    (v: string, all: string[]) => [...all, v],
    [] as string[],
  )
  .option("--remove-bridge <site>", "drop a site's bridge user (repeatable)", (v: string, all: string[]) => [...all, v], [] as string[])
  .option("--home-assistant [username]", `a read-only user for Home Assistant's MQTT integration: discovery configs and the state topics (default name ${DEFAULT_HA_USERNAME}; kept for later runs)`)
  .option("--no-home-assistant", "drop the Home Assistant user")
  .option(
    "--new-data-dir",
    "the data folder has no database yet (a new installation, before the server's first start and the first agent): write the server's, the bridges' and Home Assistant's users alone, without making one. Without it a folder with no database is refused (a mistyped FOOTFALL_DATA_DIR would give files with no agent, and Mosquitto would refuse every agent)",
  )
  .action(async (opts: { out: string; serverUsername?: string; serverPassword?: string; bridge: string[]; removeBridge: string[]; homeAssistant?: string | boolean; newDataDir?: boolean }) => {
    const config = configFromEnv();
    const username = opts.serverUsername ?? config.mqttUsername ?? "footfall-server";
    const password = opts.serverPassword ?? config.mqttPassword;
    if (!password)
      throw new InvalidArgumentError(
        `broker-config needs the server's MQTT password (user ${username}), the one the server connects with, for the passwd file: give it with --server-password <password> or set FOOTFALL_MQTT_PASSWORD; nothing was written`,
      );
    // A name with ':' split its passwd line (no login), and once kept in broker-users.json stopped every later run.
    if (typeof opts.homeAssistant === "string" && !isBrokerUserName(opts.homeAssistant))
      throw new InvalidArgumentError(
        `--home-assistant ${JSON.stringify(opts.homeAssistant)}: Home Assistant's user name must be 1 to 64 letters, digits, _ . or - (Mosquitto's password file takes no ':' or space), e.g. homeassistant; nothing was written`,
      );
    // The users kept from earlier runs, changed by this run's options.
    const spec = readUsersSpec(opts.out);
    const bridges = new Map((spec.bridges ?? []).map((b) => [b.site, b.stores]));
    for (const site of opts.removeBridge) if (!bridges.delete(site)) throw new InvalidArgumentError(`--remove-bridge: no bridge of site "${site}" in ${join(opts.out, BROKER_USERS_FILE)}`);
    for (const b of opts.bridge) {
      const [site, list] = b.includes("=") ? [b.slice(0, b.indexOf("=")), b.slice(b.indexOf("=") + 1)] : [b, b];
      const stores = list.split(",").map((x) => x.trim()).filter(Boolean);
      if (!isId(site) || stores.length === 0 || !stores.every(isId))
        throw new InvalidArgumentError(`--bridge "${b}": give <site>=<store>[,<store>...] (or one store id), ids of lower-case letters, digits, - and _`);
      bridges.set(site, stores);
    }
    if (opts.homeAssistant === false) spec.homeAssistant = null;
    else if (opts.homeAssistant !== undefined) spec.homeAssistant = { username: opts.homeAssistant === true ? DEFAULT_HA_USERNAME : opts.homeAssistant };
    spec.bridges = [...bridges].map(([site, stores]) => ({ site, stores }));
    // The agents' logins come from the database: none there (SQLite) is a mistyped folder unless --new-data-dir says it is new.
    const noDatabase = !config.databaseUrl && !existsSync(join(config.dataDir, DATABASE_FILE));
    if (noDatabase && !opts.newDataDir)
      throw new Error(
        noDatabaseMessage(
          config.dataDir,
          "broker-config writes the logins of its agents, and files with none make Mosquitto refuse every agent; nothing was written. `footfall agent add` makes the database; for a new installation with no agent yet, add --new-data-dir",
        ),
      );
    const { users, passwords } = resolveUsers(spec, readPasswdHashes(join(opts.out, "passwd")));
    const discoveryPrefix = process.env.FOOTFALL_HA_DISCOVERY_PREFIX || "homeassistant";
    const files = noDatabase
      ? await mosquittoFiles({ agents: { passwordEntries: async () => [] } }, { username, password }, users, { discoveryPrefix })
      : await withStorage(async (storage) => {
          // A database with no agent (only tokens so far, or a server started on a mistyped folder) gives the same useless files: said, not refused.
          if (!opts.newDataDir && (await storage.agents.passwordEntries()).length === 0) {
            const admitted = ["the server's user", ...(users.bridges?.length ? ["the bridges' users"] : []), ...(users.homeAssistant ? ["Home Assistant's user"] : [])];
            process.stderr.write(
              `footfall: note: no agent in ${storageWhere(config)} yet, so the files admit no agent (${admitted.join(" and ")} only): is it the right folder? Run broker-config again after \`footfall agent add\`\n`,
            );
          }
          // A bridge's store the database does not know (a typo?): its events would not pass the bridge user's ACL. Noted, not
          // refused: a site's bridge may be set up before its stores' agents, and the kept bridges come back at every run.
          const known = await knownStores(storage);
          if (known.length > 0)
            for (const b of spec.bridges ?? []) {
              const unknown = unknownStores(b.stores, known);
              const next = `The bridge's user site-${b.site} may carry only its stores' topics: if it is a typo, give the site again with its stores, --bridge ${b.site}=<store>[,<store>...]`;
              if (unknown.length > 0) process.stderr.write(`footfall: note: ${unknownStoreMessage(unknown, known, storageWhere(config), next, `--bridge ${b.site}`)}\n`);
            }
          return mosquittoFiles(storage, { username, password }, users, { discoveryPrefix });
        }, config.dataDir);
    mkdirSync(opts.out, { recursive: true });
    writeFileSync(join(opts.out, "passwd"), files.passwd, { mode: 0o600 });
    writeFileSync(join(opts.out, "acl"), files.acl);
    writeFileSync(join(opts.out, BROKER_USERS_FILE), JSON.stringify(spec, null, 2) + "\n");
    print({
      passwd: join(opts.out, "passwd"),
      acl: join(opts.out, "acl"),
      users: join(opts.out, BROKER_USERS_FILE),
      ...(users.bridges?.length ? { bridges: users.bridges.map((b) => ({ site: b.site, username: b.username, stores: b.stores })) } : {}),
      ...(users.homeAssistant ? { homeAssistant: users.homeAssistant.username } : {}),
      // New users' passwords, shown this once (the files keep only hashes; later runs keep them).
      ...(Object.keys(passwords).length ? { passwords } : {}),
    });
  });

const digest = program
  .command("digest")
  .description("the scheduled digests, by e-mail and webhook (Admin > Digests): list them, preview one, send one now")
  .addHelpText(
    "after",
    "\nMail goes through FOOTFALL_SMTP_URL (and FOOTFALL_MAIL_FROM), as the server's; links in it use FOOTFALL_PUBLIC_URL, else the address\nthe server running on the data folder links to (PostgreSQL: the servers running on the database, as they note it there),\nelse this host's name and FOOTFALL_HTTP_PORT (said on stderr).\nsend posts a digest's webhook delivery at once itself (signed, as a server does; one process posts it, not twice);\nif the receiver fails, a server retries it (within its next digest check, FOOTFALL_DIGEST_CHECK_MS, 60 s by default,\nor when one starts if none runs); send says which on stderr.\nA period sent again after its mail was refused re-sends the mail only: its webhook delivery is the one queued then.",
  );
/** The period option of preview and send: a local date, YYYY-MM-DD (the digest's failedPeriod, to send it again). */
const digestPeriod = (v: string) => {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(v)) throw new InvalidArgumentError(`"${visible(v)}": give the local date the period starts on, YYYY-MM-DD (a weekly digest's: a Monday)`);
  return v;
};
digest
  .command("list", { isDefault: true })
  .description("list the digests: id, of what, when, to whom, the last period sent, a failure pending")
  .option("--json", 'print {"digests":[...]} as JSON (times in epoch ms) instead of a table')
  .action(async (opts: { json?: boolean }) => {
    const { digestTable } = await import("./digests/cli.js");
    await withStorage(async (storage) => {
      const digests = await storage.digests.list();
      if (opts.json) return print({ digests });
      const hooks = new Map<string, string>();
      for (const id of new Set(digests.map((d) => d.webhook).filter((w): w is string => w !== null))) {
        const hook = await storage.webhooks.get(id);
        if (hook) hooks.set(id, hook.url);
      }
      process.stdout.write(digestTable(digests, hooks));
    }, undefined, { existing: true });
  });
/**
 * The address the servers running on the database link to, for `footfall digest preview|send`'s links: a SQLite data
 * folder's server notes it in footfall.public-url (null: none runs); PostgreSQL's servers in the database (each running one's).
 */
async function linksNoted(storage: Storage, config: ServerConfig): Promise<string | string[] | null> {
  if (!config.databaseUrl) return (await import("./backup.js")).runningServerPublicUrl(config.dataDir);
  const { serverAddresses } = await import("./digests/addresses.js");
  return serverAddresses((storage as PgStorage).pool);
}
digest
  .command("preview")
  .description("print the digest send would send now (or of --period), built but not sent: subject, recipients, the text; needs no mail server")
  .argument("<id>", "the digest's id from `footfall digest list`")
  .option("--period <date>", "the local date the period starts on, YYYY-MM-DD (a finished one); default: the last finished period", digestPeriod)
  .option("--json", "print {id, period, subject, recipients, webhook, text, mailProblem, webhookBody} as JSON (the API's preview, without the chart)")
  .action(async (digestId: string, opts: { period?: string; json?: boolean }) => {
    const { digestById, digestHookName, digestLinkEnv, digestServices, previewDigest } = await import("./digests/cli.js");
    const config = configFromEnv();
    await withStorage(async (storage) => {
      // Its links are the running server's (the address it recorded), or the guess said on stderr.
      const links = digestLinkEnv(process.env, await linksNoted(storage, config), Boolean(config.databaseUrl));
      const p = await previewDigest(digestServices(storage, config), await digestById(storage, digestId), opts.period, links.env);
      if (links.warning) process.stderr.write(`footfall: ${links.warning}\n`);
      const { chartPng: _chart, ...shown } = p;
      if (opts.json) return print(shown);
      const hook = p.webhook ? await storage.webhooks.get(p.webhook) : undefined;
      const to = [...p.recipients, ...(p.webhook ? [digestHookName(p.webhook, new Map(hook ? [[p.webhook, hook.url]] : []))] : [])].join(", ");
      process.stdout.write(`Subject: ${p.subject}\nTo: ${to}\nPeriod: ${p.period}${p.mailProblem ? `\nIt would not go out: ${p.mailProblem}` : ""}\n\n${p.text}\n`);
    }, config.dataDir, { existing: true });
  });
digest
  .command("send")
  .description("send the digest now, as Admin > Digests' Send now: the last finished period, or --period (a failed one, again); the schedule stays; prints what went where as JSON")
  .argument("<id>", "the digest's id from `footfall digest list`")
  .option("--period <date>", "the local date the period starts on, YYYY-MM-DD (its failedPeriod, to send it again)", digestPeriod)
  .action(async (digestId: string, opts: { period?: string }) => {
    const { digestById, digestLinkEnv, digestServices, postDigestWebhook, sendDigestNow, sentWebhookWords } = await import("./digests/cli.js");
    const { runningServerPid } = await import("./backup.js");
    const config = configFromEnv();
    await withStorage(async (storage) => {
      const d = await digestById(storage, digestId);
      // Its links are the running server's (the address it recorded), or the guess said on stderr.
      const links = digestLinkEnv(process.env, await linksNoted(storage, config), Boolean(config.databaseUrl));
      const sent = await sendDigestNow(digestServices(storage, config), d, opts.period, links.env);
      if (links.warning) process.stderr.write(`footfall: ${links.warning}\n`);
      await auditSystem(storage, Date.now(), "digest.send", d.id, { period: sent.period, recipients: sent.recipients, webhook: sent.webhook }, d.scope === "store" ? d.target : null);
      // Its webhook is posted now, from here (claimed: a server running meanwhile does not post it too).
      const posted = await postDigestWebhook(storage, sent, `Footfall-Webhooks/${VERSION}`);
      print(sent);
      // What became of its webhook, or who sends it and when (stderr: stdout stays one JSON document).
      const pid = config.databaseUrl ? null : runningServerPid(config.dataDir);
      const hookUrl = sent.webhook ? ((await storage.webhooks.get(sent.webhook))?.url ?? sent.webhook) : "";
      const next = sentWebhookWords(sent, posted, hookUrl, config.databaseUrl ? "unknown" : pid === null ? "none" : { pid });
      if (next) process.stderr.write(`footfall: ${next}\n`);
    }, config.dataDir, { existing: true });
  });

const cluster = program.command("cluster").description("a chain of servers on one PostgreSQL (FOOTFALL_DATABASE_URL)");
cluster
  .command("status")
  .description("the servers of the chain, the shards each ingests, their heartbeat and lease ages, and their ingest backlog")
  .option("--json", "print the status as JSON (ages in ms)")
  .option("--leases", "also list every shard's lease")
  .action(async (opts: { json?: boolean; leases?: boolean }) => {
    const { databaseUrl } = configFromEnv();
    if (!databaseUrl)
      throw new InvalidArgumentError(
        "footfall cluster status reads the chain's PostgreSQL: set FOOTFALL_DATABASE_URL (a single server on SQLite has no cluster)",
      );
    const { checkReachable, createPgPool, isUnreachable, unreachableMessage } = await import("./storage-pg/pool.js");
    const { clusterStatus } = await import("./cluster/status.js");
    const { formatClusterStatus } = await import("./cluster/status-format.js");
    // A host or firewall that drops the packets: said within 10 s, not waited for for ever.
    await checkReachable(databaseUrl);
    const pool = createPgPool(databaseUrl, { max: 1, applicationName: "footfall-cli" });
    try {
      const status = await clusterStatus(pool).catch((err: Error) => {
        throw new Error(
          isUnreachable(err)
            ? unreachableMessage(databaseUrl, err)
            : /shard_leases|cluster_servers/.test(err.message)
              ? "this database has no chain yet: start a server with FOOTFALL_DATABASE_URL and FOOTFALL_MQTT_URL first"
              : `cannot read the chain's status from PostgreSQL: ${err.message}`,
        );
      });
      if (opts.json) print(status);
      else process.stdout.write(formatClusterStatus(status, { leases: opts.leases ?? false }));
    } finally {
      await pool.end();
    }
  });

program
  .command("backup")
  .description("copy the database to <file>, consistently, while the server runs and ingests; prints {file, bytes, events, stores, seconds}")
  .argument("<file>", "where to write the backup (a new file)")
  .option("--force", "replace <file> if it exists (never the database or another file its server uses, such as footfall.public-url)")
  .addHelpText(
    "after",
    "\nIt copies FOOTFALL_DATA_DIR's footfall.db (./data by default); what it copies, how much is written every 5 s and the\ncheck of the copy are said on stderr. Restore it with `footfall restore <file>` while the server is stopped.",
  )
  .action(async (file: string, opts: { force?: boolean }) => {
    const { backupDatabase, refuseWithPostgres } = await import("./backup.js");
    refuseWithPostgres();
    // Ctrl-C (or a service stop) removes the partial copy instead of leaving it as large as the database.
    const stop = new AbortController();
    for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, () => stop.abort());
    print(await backupDatabase(configFromEnv().dataDir, file, { ...opts, progress: (line) => process.stderr.write(`footfall backup: ${line}\n`), signal: stop.signal }));
  });

program
  .command("restore")
  .description("replace the data directory's database with a backup (stop the server first); keeps the old one beside it")
  .argument("<file>", "a file written by `footfall backup`")
  .addHelpText("after", "\nIt replaces FOOTFALL_DATA_DIR's footfall.db (./data by default); its steps (checking the backup, copying it) are said on stderr.")
  .action(async (file: string) => {
    const { restoreDatabase, refuseWithPostgres } = await import("./backup.js");
    refuseWithPostgres();
    print(restoreDatabase(configFromEnv().dataDir, file, (line) => process.stderr.write(`footfall restore: ${line}\n`)));
  });

/** Exit codes: 0 done (or stopped by SIGTERM/SIGINT), 2 a setting to fix (ConfigError: the systemd unit does not restart it), 1 any other failure. */
const EXIT = { ok: 0, failed: 1, config: 2 } as const;

program.parseAsync().catch((err: Error) => {
  process.stderr.write(`footfall: ${err.message}\n`);
  process.exit(err instanceof ConfigError ? EXIT.config : EXIT.failed);
});
