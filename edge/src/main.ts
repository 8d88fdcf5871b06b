import { Command, CommanderError, InvalidArgumentError } from "commander";
import { readFileSync } from "node:fs";
import { dirname } from "node:path";
import { AGENT_KINDS, type AgentKind, type Layout, type Result } from "@footfall/core";
import { Agent } from "./agent.js";
import { addChainCommand } from "./chain/cli.js";
import { ENV_OVERRIDES, loadConfig, outboxPath } from "./config.js";
import { DryRun } from "./dry-run.js";
import { decodeLayout } from "./layout.js";
import { calibrateCommand } from "./sources/camera/calibrate.js";
import { createLogger } from "./log.js";
import { SOURCES, settingsHelp } from "./sources/index.js";
import { edgeVersion } from "./version.js";

/** The process as the CLI sees it, injectable for tests. */
export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: Record<string, string | undefined>;
  /** Call `handler` on SIGINT/SIGTERM; returns a function that removes it. */
  onSignal: (handler: (signal: string) => void) => () => void;
}

/** Options of `footfall-edge <kind>`. */
interface RunOptions {
  config: string;
  dryRun?: boolean;
  layout?: string;
  duration?: number;
}

/** Exit codes: 0 done, 1 crashed, 2 the command or its config must be fixed. */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

function seconds(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError("expected a number of seconds above 0");
  return n;
}

const ENV_HELP = `
Environment overrides (they win over the file):
${Object.entries(ENV_OVERRIDES)
  .map(([name, path]) => `  ${name.padEnd(24)} ${path.join(".")}`)
  .join("\n")}

Config file (JSON):
  {"store":"demo","agent":"sim-1",
   "mqtt":{"url":"mqtt://localhost:1883","username":"...","password":"..."},
   "batch":{"flushAtEvents":100,"flushEveryMs":250},
   "settings":{ ...the source's settings... }}
  See edge/examples/sim.json. Exit codes: 0 stopped, 1 crashed, 2 fix the command or config.`;

/** Run `footfall-edge` with `argv` (without node and the script); resolves with the exit code. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  let code: number = EXIT.ok;
  const program = new Command()
    .name("footfall-edge")
    .description("Run one Footfall edge agent: a source of zone events published over MQTT (protocol v1).")
    .version(edgeVersion())
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .showHelpAfterError("(run footfall-edge --help for usage)")
    .addHelpText("after", ENV_HELP);
  for (const kind of AGENT_KINDS) {
    const def = SOURCES[kind];
    const cmd = program
      .command(kind)
      .description(def.summary)
      .requiredOption("-c, --config <file>", "agent config file (JSON)")
      .option("--dry-run", "print events as JSON lines on stdout instead of connecting to MQTT")
      .option("--layout <file>", "with --dry-run: the store layout (JSON, as GET /api/v1/stores/<store>/layout answers it) the source gets instead of the server's")
      .option("--duration <seconds>", "stop after this many seconds (tests, demos)", seconds)
      .action(async (opts: RunOptions) => {
        code = await runKind(kind, opts, io);
      });
    if (kind === "camera") {
      // The settings' help points here: `footfall-edge camera calibrate --config FILE`.
      cmd
        .command("calibrate")
        .description("print the image-to-floor homography of settings.calibration and each point's error in metres, without starting the agent")
        .option("--json", "the report as JSON")
        .action((_opts: unknown, sub: Command) => {
          const o = sub.optsWithGlobals<{ config: string; json?: boolean }>();
          code = calibrateCommand({ config: o.config, json: o.json }, io);
        });
    }
    cmd.addHelpText("after", `\nSettings ("settings" in the config):\n${settingsHelp(def.settingsSchema)}\n${ENV_HELP}`);
  }
  addChainCommand(program, io, (c) => (code = c));
  // Options with no source before them (`footfall-edge --config door-1.json`): commander would say only "unknown option
  // '--config'". Under systemd it is footfall-edge@<agent>'s FOOTFALL_EDGE_SOURCE that is missing or empty.
  const first = argv[0];
  if (first !== undefined && first.startsWith("-") && !["-h", "--help", "-V", "--version"].includes(first)) {
    io.stderr(
      `footfall-edge: no source before ${first}: give it first, \`footfall-edge <source> --config <file>\` with <source> one of ${AGENT_KINDS.join(", ")}. ` +
        `As a service (footfall-edge@<agent>), set FOOTFALL_EDGE_SOURCE in /etc/footfall/edge/<agent>.env\n(run footfall-edge --help for usage)\n`,
    );
    return EXIT.usage;
  }
  try {
    await program.parseAsync([...argv], { from: "user" });
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? EXIT.ok : EXIT.usage;
    throw err;
  }
  if (argv.length === 0) {
    io.stderr(program.helpInformation());
    return EXIT.usage;
  }
  return code;
}

async function runKind(kind: AgentKind, opts: RunOptions, io: CliIo): Promise<number> {
  const def = SOURCES[kind];
  const loaded = loadConfig(opts.config, kind, io.env, (s) => def.checkSettings(s));
  if (!loaded.ok) {
    const n = loaded.problems.length;
    io.stderr(
      `footfall-edge: ${opts.config} has ${n} problem${n === 1 ? "" : "s"}:\n` +
        loaded.problems.map((p) => `  - ${p}\n`).join("") +
        `Fix ${n === 1 ? "it" : "them"} in the file (or in the FOOTFALL_* environment overrides) and start again; ` +
        `\`footfall-edge ${kind} --help\` lists every setting.\n`,
    );
    return EXIT.usage;
  }
  const config = loaded.config;
  let layout: Layout | undefined;
  if (opts.layout !== undefined) {
    if (!opts.dryRun) {
      io.stderr("footfall-edge: --layout is for --dry-run; a running agent gets the store's layout from the server\n");
      return EXIT.usage;
    }
    const read = readLayoutFile(opts.layout, config.store);
    if (!read.ok) {
      io.stderr(`footfall-edge: --layout ${opts.layout}: ${read.error}\n`);
      return EXIT.usage;
    }
    layout = read.value;
  }
  const log = createLogger({ level: config.logLevel, write: (line) => io.stderr(line + "\n"), scope: config.agent });
  let runner: DryRun<unknown> | Agent<unknown>;
  try {
    runner = opts.dryRun ? new DryRun({ config, source: def.create(), write: io.stdout, log, layout }) : new Agent({ config, source: def.create(), log });
  } catch (err) {
    // The durable outbox opens here: a data folder the agent may not make or write (the examples'
    // /var/lib/footfall-edge for a user who is not root) is the installer's to fix, not a crash.
    const problem = outboxProblem(err, outboxPath(config));
    if (problem === null) throw err;
    io.stderr(`footfall-edge: ${problem}\n`);
    return EXIT.usage;
  }
  runner.start();
  const reason = await new Promise<string>((resolve) => {
    let timer: ReturnType<typeof setTimeout> | null = null;
    const off = io.onSignal((signal) => {
      if (timer) clearTimeout(timer);
      off();
      resolve(signal);
    });
    if (opts.duration !== undefined) {
      timer = setTimeout(() => {
        off();
        resolve(`--duration ${opts.duration} s elapsed`);
      }, opts.duration * 1000);
    }
  });
  await runner.stop(reason);
  return EXIT.ok;
}

/** What is wrong with the outbox `path` when opening it threw `err` (a file system or SQLite error), or null for anything else (a bug). */
function outboxProblem(err: unknown, path: string | null): string | null {
  if (path === null || !(err instanceof Error)) return null;
  if (/is in use by another process/.test(err.message)) return err.message;
  const code = (err as NodeJS.ErrnoException).code;
  if (typeof code !== "string" || !/^(E[A-Z]+|SQLITE_\w+)$/.test(code)) return null;
  return (
    `cannot keep the outbox in ${path}: ${err.message}. ` +
    `Create its folder and let the agent's user write it (e.g. sudo install -d -o "$(id -un)" ${dirname(path)}), ` +
    `or point dataDir (FOOTFALL_EDGE_DATA_DIR) or outbox.path (FOOTFALL_OUTBOX_PATH) at a folder it may write; nothing was sent`
  );
}

/** A layout file for a dry run: as the server answers it, or as saved (without store and version: this agent's store, version 1). */
function readLayoutFile(path: string, store: string): Result<Layout> {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, "utf8"));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return { ok: false, error: code ? `cannot read it (${code}): check the path` : `not valid JSON: ${(err as Error).message}` };
  }
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) return { ok: false, error: "expected a layout object with zones" };
  return decodeLayout(JSON.stringify({ store, version: 1, ...raw }), store);
}
