import { mkdirSync, readFileSync } from "node:fs";
import { dirname } from "node:path";
import { Command, InvalidArgumentError } from "commander";
import { createLogger, LOG_LEVELS, type LogLevel } from "../log.js";
import type { CliIo } from "../main.js";
import { checkSimSettings, type SimSettings } from "../sources/sim/settings.js";
import { ChainSimulator, type AgentCredentials } from "./simulator.js";
import { chainStores } from "./stores.js";

/** Options of `footfall-edge chain`. */
export interface ChainCliOptions {
  stores: number;
  seed: number;
  prefix: string;
  mqttUrl?: string;
  credentials?: string;
  speed: number;
  arrivalsFactor: number;
  startHour?: number;
  startOpen?: boolean;
  followClock?: boolean;
  backfillHours: number;
  backfillFrom?: string;
  leftInside?: string;
  salesUrl?: string;
  salesTokenFile?: string;
  salesKeepDir?: string;
  ledger?: string;
  duration?: number;
  flushMs: number;
  printLayouts?: boolean;
  logLevel?: string;
  receipts: "auto" | "on" | "off";
  drain: number;
  part?: Part;
}

/** Part k of n (1-based) of a chain's stores: `--part 2/3`. */
export interface Part {
  k: number;
  n: number;
}

/**
 * The stores of part `k` of `n`: every n-th store from the k-th (store 1 is in part 1, store 2 in part 2, ...),
 * so each part has stores of every format and size. The n parts are disjoint and together make the chain.
 */
export function partOf<T>(stores: readonly T[], part: Part): T[] {
  return stores.filter((_, i) => i % part.n === part.k - 1);
}

export function parsePart(value: string): Part {
  const m = /^(\d+)\/(\d+)$/.exec(value.trim());
  const k = Number(m?.[1]);
  const n = Number(m?.[2]);
  if (!m || n < 1 || n > 1000 || k < 1 || k > n) throw new InvalidArgumentError('expected "k/n" with 1 <= k <= n <= 1000, e.g. 2/3');
  return { k, n };
}

const number =
  (what: string, min: number, max: number, integer = false) =>
  (value: string): number => {
    const n = Number(value);
    if (!Number.isFinite(n) || n < min || n > max || (integer && !Number.isInteger(n)))
      throw new InvalidArgumentError(`expected ${integer ? "a whole number" : "a number"} of ${what} from ${min} to ${max}`);
    return n;
  };

function receiptsMode(value: string): "auto" | "on" | "off" {
  if (value !== "auto" && value !== "on" && value !== "off") throw new InvalidArgumentError('expected "auto", "on" or "off"');
  return value;
}

/**
 * Reads agents' credentials: a JSON array, or JSON lines, of what `footfall agent add` prints
 * ({"store","agent","username","password", ...}). Each problem names the line.
 */
export function readCredentials(path: string): Map<string, AgentCredentials> {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    throw new Error(`cannot read the credentials file ${path} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}): check --credentials`, {
      cause: err,
    });
  }
  const trimmed = text.trim();
  let items: Array<{ value: unknown; where: string }>;
  if (trimmed.startsWith("[")) {
    try {
      items = (JSON.parse(trimmed) as unknown[]).map((value, i) => ({ value, where: `item ${i + 1}` }));
    } catch (err) {
      throw new Error(`${path} is not valid JSON: ${(err as Error).message}`, { cause: err });
    }
  } else {
    items = [];
    for (const [i, line] of trimmed.split("\n").entries()) {
      if (line.trim() === "") continue;
      try {
        items.push({ value: JSON.parse(line), where: `line ${i + 1}` });
      } catch (err) {
        throw new Error(`${path} line ${i + 1} is not valid JSON: ${(err as Error).message}`, { cause: err });
      }
    }
  }
  const out = new Map<string, AgentCredentials>();
  for (const { value, where } of items) {
    const c = value as Partial<AgentCredentials> | null;
    if (!c || typeof c.store !== "string" || typeof c.agent !== "string" || typeof c.username !== "string" || typeof c.password !== "string") {
      throw new Error(`${path} ${where}: expected {"store","agent","username","password"} as \`footfall agent add\` prints them`);
    }
    out.set(c.store, { store: c.store, agent: c.agent, username: c.username, password: c.password });
  }
  return out;
}

/**
 * Reads a `--backfill-from` file: a JSON object of store id to epoch ms, each store's back-fill starting
 * there when later than `--backfill-hours` ago (`footfall demo` writes each store's newest event held + 1).
 */
export function readBackfillFrom(path: string): Map<string, number> {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(path, "utf8"));
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw new Error(`cannot read the back-fill file ${path} (${e.code ?? e.message}): give a JSON object of store id to epoch ms with --backfill-from`, { cause: err });
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) throw new Error(`${path}: expected a JSON object of store id to epoch ms, e.g. {"store-0001": 1764763200000}`);
  const out = new Map<string, number>();
  for (const [store, ms] of Object.entries(value)) {
    if (!Number.isSafeInteger(ms) || (ms as number) < 0) throw new Error(`${path}: "${store}" has ${JSON.stringify(ms)}; give an instant as epoch ms (a whole number, 0 or more)`);
    out.set(store, ms as number);
  }
  return out;
}

/**
 * Reads a `--left-inside` file: a JSON object of store id to the people a killed run of its agent left
 * inside (`{"ts", "exits": [{"zone", "visitor"}], "doors": [{"zone", "out"}]}`, the sim's `leftInside`;
 * `footfall demo` writes it). Each store's agent checks its own against the sim's settings.
 */
export function readLeftInside(path: string): Map<string, NonNullable<SimSettings["leftInside"]>> {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(path, "utf8"));
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw new Error(`cannot read the left-inside file ${path} (${e.code ?? e.message}): give a JSON object of store id to {"ts","exits","doors"} with --left-inside`, { cause: err });
  }
  if (value === null || typeof value !== "object" || Array.isArray(value))
    throw new Error(`${path}: expected a JSON object of store id to {"ts","exits","doors"}, e.g. {"store-0001": {"ts": 1764763200000, "exits": [], "doors": [{"zone": "entrance", "out": 3}]}}`);
  const out = new Map<string, NonNullable<SimSettings["leftInside"]>>();
  for (const [store, left] of Object.entries(value)) {
    const checked = checkSimSettings({ leftInside: left });
    if (checked.problems.length > 0 || !checked.value.leftInside) throw new Error(`${path}: "${store}": ${checked.problems.join("; ") || "missing"}`);
    out.set(store, checked.value.leftInside);
  }
  return out;
}

/** `--sales-url`: an http(s) URL of the server. */
function checkSalesUrl(url: string): string {
  if (!/^https?:\/\/[^/\s]+/.test(url)) throw new Error(`--sales-url ${url}: give the server's http(s) URL, e.g. http://localhost:8080`);
  return url;
}

/** The admin token of `--sales-url`: the first line of `--sales-token-file`, else env FOOTFALL_SALES_TOKEN. */
export function readSalesToken(file: string | undefined, env: Record<string, string | undefined>): string {
  if (file === undefined) {
    const token = env.FOOTFALL_SALES_TOKEN?.trim();
    if (!token) throw new Error("--sales-url needs an admin token: put it in a file given with --sales-token-file, or in env FOOTFALL_SALES_TOKEN (footfall token add --role admin)");
    return token;
  }
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    throw new Error(`cannot read the sales token file ${file} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}): check --sales-token-file`, { cause: err });
  }
  const token = text.split(/\r?\n/)[0]!.trim();
  if (!token) throw new Error(`${file} is empty: put the admin token on its first line (footfall token add --role admin)`);
  return token;
}

/** Adds `footfall-edge chain` to the edge CLI; `done` receives the exit code. */
export function addChainCommand(program: Command, io: CliIo, done: (code: number) => void): void {
  program
    .command("chain")
    .description("Simulate the agents of many stores in one process: each store its own layout, hours, crowd, MQTT login and receipts.")
    .option("--stores <n>", "how many stores", number("stores", 1, 100_000, true), 10)
    .option("--seed <n>", "the same seed gives the same chain", number("seed", 0, 4_294_967_295, true), 1)
    .option("--prefix <id>", "store ids are <prefix>-0001, <prefix>-0002, ...", "store")
    .option("--mqtt-url <url>", "the broker (env FOOTFALL_MQTT_URL; default mqtt://localhost:1883)")
    .option(
      "--credentials <file>",
      "agents' logins: JSON lines (or an array) of what `footfall agent add` prints, one per store; without it agents connect anonymously",
    )
    .option("--speed <n>", "simulated seconds per real second (the rate of events)", number("simulated seconds per second", 0.001, 100_000), 60)
    .option("--arrivals-factor <x>", "multiply every store's visitors (load tests)", number("times", 0, 1000), 1)
    .option("--start-hour <h>", "start every store's simulated day at this local hour (default: the real time of day)", number("hours", 0, 24))
    .option("--start-open", "a store closed at the start begins its simulated day at its next opening hour, so a chain started at night is not all closed (its stores then have visitors in hours they are closed)")
    .option("--follow-clock", "every store opens and closes by the wall clock at any speed (visitors come speed times as often, stay speed times shorter), keeping to its hours; --start-hour and --start-open then do nothing (footfall demo uses it)")
    .option("--backfill-hours <n>", "send this many hours of history at start", number("hours", 0, 160, true), 0)
    .option(
      "--backfill-from <file>",
      'a JSON object of store id to epoch ms: each store listed back-fills only from there (its newest event the server holds, + 1), so a restarted simulator never sends an hour twice; footfall demo writes it',
    )
    .option(
      "--left-inside <file>",
      'a JSON object of store id to {"ts","exits","doors"}: the people a killed run of that store\'s agent left inside (the sim setting leftInside), sent out first; footfall demo writes it',
    )
    .option(
      "--sales-url <url>",
      "the server (http://host:8080): each store's till transactions go to its sales import, so conversion has sales; needs an admin token in --sales-token-file or env FOOTFALL_SALES_TOKEN",
    )
    .option("--sales-token-file <file>", "a file holding the admin token --sales-url sends with (kept off the command line, where ps shows it)")
    .option(
      "--sales-keep-dir <dir>",
      "keep each store's till transactions not yet taken by its sales import in <dir>/<store>.sales.jsonl, so a stop or a crash loses none (sent first at the next start); footfall demo sets it",
    )
    .option("--ledger <file>", "keep the ids of every event sent here (JSON, rewritten every 10 s and at the end), to count lost and doubled events")
    .option("--duration <seconds>", "stop after this many seconds", number("seconds", 0.001, 1e9))
    .option("--flush-ms <ms>", "how often each agent sends the events waiting (its batch.flushEveryMs): longer sends fewer, larger messages", number("ms", 10, 60_000, true), 500)
    .option(
      "--drain <seconds>",
      "on stop, the stores stop making events and the agents stay connected (sending again as usual) up to this long in all, until every event queued is settled, then say goodbye (at most half a second more); the ledger lists what was not",
      number("seconds", 0, 86_400),
      10,
    )
    .option(
      "--receipts <mode>",
      'what settles events: "auto" (the server\'s receipts; PUBACK against an older server), "on", or "off" (the broker\'s PUBACK: a bare-broker baseline)',
      receiptsMode,
      "auto",
    )
    .option(
      "--part <k/n>",
      "simulate only part k of n of the stores (every n-th store from the k-th): n processes with parts 1/n..n/n together are the whole chain, on more cores; --print-layouts still prints every store",
      parsePart,
    )
    .option("--print-layouts", "print the stores and their layouts as JSON on stdout and exit (to give the server its floor plans)")
    .option("--log-level <level>", `the simulator's log level: ${LOG_LEVELS.join(", ")} (env FOOTFALL_LOG_LEVEL); the agents log warnings and errors only`)
    .addHelpText(
      "after",
      `
Store ids, names, formats (supermarket, fashion, convenience, electronics, pharmacy), floor plans,
time zones, opening hours and crowds come from --seed: the same seed and --stores give the same
chain. The server must know each store's layout (--print-layouts) and agent (footfall agent add).

Examples:
  footfall-edge chain --stores 50 --print-layouts > layouts.json
  footfall-edge chain --stores 50 --credentials agents.jsonl --mqtt-url mqtt://broker:1883 --ledger ledger.json
  footfall-edge chain --stores 1000 --part 1/2 ... & footfall-edge chain --stores 1000 --part 2/2 ...   # two processes, two cores`,
    )
    .action(async (opts: ChainCliOptions) => done(await runChain(opts, io)));
}

/** Runs the chain simulator; resolves with the exit code. */
export async function runChain(opts: ChainCliOptions, io: CliIo): Promise<number> {
  const level = (opts.logLevel ?? io.env.FOOTFALL_LOG_LEVEL ?? "info") as LogLevel;
  if (!LOG_LEVELS.includes(level)) {
    io.stderr(`footfall-edge chain: --log-level must be one of ${LOG_LEVELS.join(", ")}, not "${level}"\n`);
    return 2;
  }
  const all = chainStores({ count: opts.stores, seed: opts.seed, prefix: opts.prefix });
  const stores = opts.part ? partOf(all, opts.part) : all;
  if (opts.printLayouts) {
    io.stdout(
      `${JSON.stringify({ stores: all.map((s) => ({ store: s.store, agent: s.agent, name: s.name, format: s.format, city: s.city, opens: s.opens, closes: s.closes, layout: s.layout })) }, null, 2)}\n`,
    );
    return 0;
  }
  const log = createLogger({ level, write: (line) => io.stderr(line + "\n"), scope: "chain" });
  let sim: ChainSimulator;
  try {
    const sales =
      opts.salesUrl !== undefined
        ? { url: checkSalesUrl(opts.salesUrl), token: readSalesToken(opts.salesTokenFile, io.env), ...(opts.salesKeepDir !== undefined ? { keepDir: opts.salesKeepDir } : {}) }
        : undefined;
    if (sales === undefined && opts.salesTokenFile !== undefined) throw new Error("--sales-token-file without --sales-url: give the server's URL too (http://host:8080)");
    if (sales === undefined && opts.salesKeepDir !== undefined) throw new Error("--sales-keep-dir without --sales-url: it keeps the transactions sent there; give the server's URL too (http://host:8080)");
    sim = new ChainSimulator({
      ...(sales ? { sales } : {}),
      stores,
      mqttUrl: opts.mqttUrl ?? io.env.FOOTFALL_MQTT_URL ?? "mqtt://localhost:1883",
      ...(opts.credentials ? { credentials: readCredentials(opts.credentials) } : {}),
      ...(opts.backfillFrom ? { backfillFrom: readBackfillFrom(opts.backfillFrom) } : {}),
      ...(opts.leftInside ? { leftInside: readLeftInside(opts.leftInside) } : {}),
      speed: opts.speed,
      arrivalsFactor: opts.arrivalsFactor,
      backfillHours: opts.backfillHours,
      receipts: opts.receipts,
      flushEveryMs: opts.flushMs,
      // The agents' own wait as they stop: at most what the settling before it (below) leaves of --drain.
      drainMs: Math.min(opts.drain, 10) * 1000,
      ...(opts.startHour !== undefined ? { startHour: opts.startHour } : {}),
      startOpen: opts.startOpen === true,
      followClock: opts.followClock === true,
      log,
    });
  } catch (err) {
    io.stderr(`footfall-edge chain: ${(err as Error).message}\n`);
    return 2;
  }
  const formats = new Map<string, number>();
  for (const s of stores) formats.set(s.format, (formats.get(s.format) ?? 0) + 1);
  log.info({ ...Object.fromEntries(formats), seed: opts.seed, speed: opts.speed }, opts.part ? `simulating ${stores.length} stores (part ${opts.part.k}/${opts.part.n} of ${all.length})` : `simulating ${stores.length} stores`);
  await sim.start();
  if (opts.ledger) mkdirSync(dirname(opts.ledger), { recursive: true });
  const saveLedger = () => {
    if (!opts.ledger) return;
    try {
      sim.ledger.save(opts.ledger);
    } catch (err) {
      log.error({ file: opts.ledger }, `cannot write the ledger: ${(err as Error).message}`);
    }
  };
  let last = { at: performance.now(), queued: 0 };
  const report = setInterval(() => {
    const st = sim.stats();
    const now = performance.now();
    const rate = Math.round(((st.queued - last.queued) * 1000) / (now - last.at));
    last = { at: now, queued: st.queued };
    log.info(
      {
        connected: `${st.connected}/${st.stores}`,
        eventsPerS: rate,
        queued: st.queued,
        settled: st.settled,
        waiting: st.waiting,
        resends: st.resends,
        refused: st.refused,
      },
      "chain",
    );
    saveLedger();
  }, 10_000);
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
  log.info(`stopping (${reason}): the stores make no more events; waiting up to ${opts.drain} s for every queued event to be settled`);
  clearInterval(report);
  // One bound for the whole stop: the agents' own wait (below) gets what the settling leaves of --drain.
  const stopBy = performance.now() + opts.drain * 1000;
  const settled = await sim.settle(opts.drain * 1000, (st) => {
    log.info({ connected: `${st.connected}/${st.stores}`, waiting: st.waiting, settled: st.settled, resends: st.resends }, "settling");
    saveLedger();
  });
  if (!settled) {
    const waiting = sim.stats().waiting;
    // footfall demo: what the server has not stored, the next start back-fills (its newest event + 1), so nothing is lost.
    if (opts.backfillFrom) log.info({ waiting }, `events still unsettled after --drain ${opts.drain} s: the next start back-fills from the newest event the server holds (--backfill-from)`);
    else log.warn({ waiting }, `events still unsettled after --drain ${opts.drain} s: the ledger lists them as unsettled`);
  }
  await sim.stop(Math.max(0, stopBy - performance.now()));
  // What each agent still held unsettled: a fault test tells those apart from events settled and then missing.
  sim.ledger.unsettled = sim.unsettled();
  saveLedger();
  const st = sim.stats();
  log.info({ queued: st.queued, settled: st.settled, waiting: st.waiting, refused: st.refused, rejected: st.rejected, ...(opts.ledger ? { ledger: opts.ledger } : {}) }, "stopped");
  return 0;
}
