#!/usr/bin/env node
import { Command, InvalidArgumentError, Option } from "commander";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { AGENT_KINDS, isId, type AgentKind } from "@footfall/core";
import { configFromEnv } from "./config.js";
import { ROLES, type Role } from "./db/repos/tokens.js";
import { mosquittoFiles } from "./broker-files.js";
import { VERSION } from "./version.js";
import { openStorage } from "./storage.js";

const ENV_HELP = `
Environment:
  FOOTFALL_HTTP_PORT         HTTP port (8080)
  FOOTFALL_MQTT_PORT         port of the embedded MQTT broker (1883)
  FOOTFALL_MQTT_URL          an external broker, e.g. mqtt://mosquitto:1883; then none is embedded
  FOOTFALL_MQTT_USERNAME     the server's user on the external broker
  FOOTFALL_MQTT_PASSWORD     its password
  FOOTFALL_DATA_DIR          where the SQLite database lives (./data)
  FOOTFALL_VISIT_TIMEOUT_MS  silence that abandons a visit and ends a trip (1800000)
  FOOTFALL_MAX_EVENT_AGE_MS  older events are rejected (604800000, 7 days)
  FOOTFALL_LOG_LEVEL         trace, debug, info, warn, error (info)`;

const id = (what: string) => (value: string) => {
  if (!isId(value)) throw new InvalidArgumentError(`${what} "${value}" must be 1-64 characters of a-z, 0-9, "_" or "-"`);
  return value;
};
const print = (value: unknown) => process.stdout.write(`${JSON.stringify(value)}\n`);

/** Close cleanly on SIGINT/SIGTERM. */
function closeOnSignal(close: () => Promise<void>): void {
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) process.exit(1);
    stopping = true;
    process.stderr.write(`\n${signal}: shutting down...\n`);
    close().then(
      () => process.exit(0),
      (err: Error) => {
        process.stderr.write(`shutdown failed: ${err.message}\n`);
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
    const server = await startServer(configFromEnv());
    closeOnSignal(server.close);
  });

program
  .command("demo")
  .description("serve plus a simulated store: prints the URL and an admin token")
  .option("--speed <n>", "simulated seconds per real second", (v) => Number(v), 30)
  .option("--backfill-hours <n>", "simulate this many past hours at start, so the charts have history", (v) => Number(v), 48)
  .addHelpText("after", ENV_HELP)
  .action(async (opts: { speed: number; backfillHours: number }) => {
    const { runDemo } = await import("./demo.js");
    const demo = await runDemo(configFromEnv(), opts);
    closeOnSignal(demo.close);
  });

const agent = program.command("agent").description("manage edge agents");
agent
  .command("add")
  .description("create an agent (or give it a new password); prints {agent, store, username, password} as JSON")
  .argument("<agent>", "agent id, e.g. door-1", id("agent"))
  .requiredOption("--store <store>", "the store it reports for", id("store"))
  .addOption(new Option("--kind <kind>", "what it reads").choices(AGENT_KINDS).makeOptionMandatory())
  .action((agentId: string, opts: { store: string; kind: AgentKind }) => {
    const storage = openStorage(configFromEnv().dataDir);
    try {
      print(storage.agents.add(opts.store, agentId, opts.kind, Date.now()));
    } finally {
      storage.close();
    }
  });

const token = program.command("token").description("manage API tokens");
token
  .command("add")
  .description("create an API token; prints {token} as JSON (shown once, stored hashed)")
  .addOption(new Option("--role <role>", "viewer: analytics; staff: live occupancy; admin: everything").choices(ROLES).makeOptionMandatory())
  .option("--store <store>", "limit the token to one store", id("store"))
  .option("--label <label>", "a note to recognise it by")
  .action((opts: { role: Role; store?: string; label?: string }) => {
    const storage = openStorage(configFromEnv().dataDir);
    try {
      print({ token: storage.tokens.add(opts.role, opts.store ?? null, Date.now(), opts.label ?? null) });
    } finally {
      storage.close();
    }
  });

program
  .command("broker-config")
  .description("write a Mosquitto password file and ACL for every agent and the server's own user")
  .requiredOption("--out <dir>", "folder to write passwd and acl into")
  .option("--server-username <name>", "the server's MQTT user (or FOOTFALL_MQTT_USERNAME)")
  .option("--server-password <password>", "its password (or FOOTFALL_MQTT_PASSWORD)")
  .action((opts: { out: string; serverUsername?: string; serverPassword?: string }) => {
    const config = configFromEnv();
    const username = opts.serverUsername ?? config.mqttUsername ?? "footfall-server";
    const password = opts.serverPassword ?? config.mqttPassword;
    if (!password) throw new InvalidArgumentError("give the server's MQTT password with --server-password or FOOTFALL_MQTT_PASSWORD");
    const storage = openStorage(config.dataDir);
    try {
      const files = mosquittoFiles(storage, { username, password });
      mkdirSync(opts.out, { recursive: true });
      writeFileSync(join(opts.out, "passwd"), files.passwd, { mode: 0o600 });
      writeFileSync(join(opts.out, "acl"), files.acl);
      print({ passwd: join(opts.out, "passwd"), acl: join(opts.out, "acl") });
    } finally {
      storage.close();
    }
  });

program.parseAsync().catch((err: Error) => {
  process.stderr.write(`footfall: ${err.message}\n`);
  process.exit(1);
});
