import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { asId, DEMO_CLOSING_GRACE_MINUTES, demoChangeAgoMs, DEMO_HOURLY_CURVE, DEMO_LAYOUT, hoursCoveringCurve, isOpen, localMidnight, openIntervals, WEEKDAYS, type Layout, type LayoutInput, type OpeningHours, type StoreId } from "@footfall/core";
import type { ServerConfig } from "./config.js";
import type { AgentCredentials, Role, Storage } from "./storage/types.js";
import { startServer, type RunningServer } from "./server.js";
import { readCurveFile } from "./demo-curve.js";
import { auditSystem } from "./admin/audit.js";

const STORE = "demo";
const AGENT = "sim-1";

/** Where `footfall-edge` lives: the simulator is its own agent process, never imported. */
function edgeCli(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve("@footfall/edge/package.json")), "dist", "cli.js");
}

export interface DemoTokens {
  /** Signs in to everything: printed for the sign-in page only. */
  admin: string;
  /** Staff, limited to the demo store: the one the kiosk URL carries (a shop-floor tablet shows the URL to anyone near it). */
  kiosk: string;
  /** The simulated tills' (admin, limited to the demo store; the chain demo's to no store): it sends their transactions to the sales import. Never printed. */
  tills: string;
}

/**
 * The demo's tokens, kept in `demo-tokens.json` (0600) in the data folder so that a restarted
 * demo prints the same ones and a kiosk tablet stays signed in. A token that was revoked, has
 * expired or is not what it should be is replaced.
 */
export async function demoTokens(storage: Storage, dataDir: string, now: number, kioskStore: string = STORE, tillsStore: string | null = STORE): Promise<DemoTokens> {
  const file = join(dataDir, "demo-tokens.json");
  let saved: Partial<DemoTokens> = {};
  try {
    saved = JSON.parse(readFileSync(file, "utf8")) as Partial<DemoTokens>;
  } catch {
    /* none yet, or unreadable: make new ones */
  }
  const keep = async (token: unknown, role: Role, store: string | null) => {
    const p = typeof token === "string" ? await storage.tokens.verify(token, now) : undefined;
    return p && p.role === role && p.store === store ? (token as string) : null;
  };
  // A token made here is the demo's admin action: audited as the CLI's `token create` is, its actor "demo".
  const make = async (role: Role, store: string | null, label: string) => {
    const { token, info } = await storage.tokens.create(role, store, now, { label });
    await auditSystem(storage, now, "token.create", info.id, { ...info }, info.store, DEMO_ACTOR);
    return token;
  };
  const tokens: DemoTokens = {
    admin: (await keep(saved.admin, "admin", null)) ?? (await make("admin", null, "demo admin")),
    kiosk: (await keep(saved.kiosk, "staff", kioskStore)) ?? (await make("staff", kioskStore, "demo kiosk")),
    tills: (await keep(saved.tills, "admin", tillsStore)) ?? (await make("admin", tillsStore, "demo tills")),
  };
  if (tokens.admin !== saved.admin || tokens.kiosk !== saved.kiosk || tokens.tills !== saved.tills) writeFileSync(file, `${JSON.stringify(tokens, null, 2)}\n`, { mode: 0o600 });
  return tokens;
}

/** Who the audit log says did what the demo sets up by itself (its tokens, its simulator's agents). */
export const DEMO_ACTOR = "demo";

/**
 * The demo's simulated agent `agent` of `store`. `saved`: its credentials the demo's data folder kept from the last
 * start (demo-sim.json, demo-chain-agents.jsonl): while they still open the broker to it (not revoked, not rotated by
 * an admin), they are kept, and nothing is audited: a restart of the demo is not an operator rotating credentials.
 * Otherwise a new password (only a hash is kept), audited as the demo's action: `agent.add` when it is new, else
 * `agent.rotate`, as the CLI's `agent add` of a known agent is (the old password stops working): `wasRevoked` true when
 * an admin had revoked it and the demo lets it in again.
 */
export async function addDemoAgent(storage: Storage, store: string, agent: string, now: number, saved?: AgentCredentials | null) {
  const before = (await storage.agents.list(store)).find((a) => a.agent === agent);
  if (before && before.revokedAt === null && saved && saved.store === store && saved.agent === agent && saved.username === before.username) {
    const still = await storage.agents.authenticate(saved.username, saved.password);
    if (still?.store === store && still.agent === agent) return { agent, store, username: saved.username, password: saved.password };
  }
  const creds = await storage.agents.add(store, agent, "sim", now);
  if (!before) await auditSystem(storage, now, "agent.add", `${store}/${agent}`, { kind: "sim" }, store, DEMO_ACTOR);
  else await auditSystem(storage, now, "agent.rotate", `${store}/${agent}`, { kind: "sim", wasRevoked: before.revokedAt !== null }, store, DEMO_ACTOR);
  return creds;
}

/** The credentials a string of JSON holds, when it holds an agent's (else null: a file from another version, edited). */
function credentialsOf(v: unknown): AgentCredentials | null {
  const c = v as Partial<AgentCredentials> | null;
  return c && typeof c === "object" && [c.store, c.agent, c.username, c.password].every((x) => typeof x === "string")
    ? { store: c.store!, agent: c.agent!, username: c.username!, password: c.password! }
    : null;
}

/** The simulated agent's credentials the single-store demo's simulator config (demo-sim.json) kept from its last start, or null. */
export function savedSimCredentials(file: string): AgentCredentials | null {
  try {
    const c = JSON.parse(readFileSync(file, "utf8")) as { store?: unknown; agent?: unknown; mqtt?: { username?: unknown; password?: unknown } };
    return credentialsOf({ store: c.store, agent: c.agent, username: c.mqtt?.username, password: c.mqtt?.password });
  } catch {
    return null;
  }
}

/** The chain demo's agents' credentials kept from its last start (demo-chain-agents.jsonl), by `store/agent`. */
export function savedChainCredentials(file: string): Map<string, AgentCredentials> {
  const out = new Map<string, AgentCredentials>();
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    return out;
  }
  for (const line of text.split("\n")) {
    let c: AgentCredentials | null;
    try {
      c = line.trim() ? credentialsOf(JSON.parse(line)) : null;
    } catch {
      c = null;
    }
    if (c) out.set(`${c.store}/${c.agent}`, c);
  }
  return out;
}

/**
 * The banner's words for history held from earlier runs: the simulator back-fills only after the
 * newest event stored, said in the store's time as the banner's other lines are (not UTC ISO).
 */
export function demoHeldLine(held: number, timeZone: string): string {
  const at = new Intl.DateTimeFormat("en-GB", { timeZone, weekday: "short", day: "numeric", month: "short", hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23" }).format(held);
  return `kept from earlier runs; back-filled only after its newest event, ${at} (${timeZone})`;
}

/**
 * A new demo store's opening hours, set when its floor plan is (a demo started on a data folder
 * that holds the store already keeps whatever hours it has, none or edited ones).
 */
async function setDemoHours(server: RunningServer, store: string, hours: OpeningHours): Promise<void> {
  const { storage, now } = server.services;
  if ((await storage.hours.get(store)) !== undefined) return;
  await storage.hours.set(store, hours, now());
  await auditSystem(storage, now(), "hours.save", store, { hours }, store, DEMO_ACTOR);
  await server.services.hours?.changed(store);
  server.services.alertEvaluator?.rulesChanged(store);
}

/**
 * The banner's line on the demo store's opening hours, and, while they say closed, when it opens:
 * the simulator keeps to them by the wall clock at any speed (`followClock`), so a demo started at
 * night shows an empty store until then. Before the store's first opening of the day (06:40), with
 * history held (`history`), also that Today stays empty until then and where the history is
 * (Yesterday): a first look at Today's heatmap would find nothing. Null without hours.
 */
export function demoHoursLine(hours: OpeningHours | null | undefined, now: number, timeZone: string, history = false): string | null {
  if (!hours) return null;
  const day = (d: (typeof WEEKDAYS)[number]) => hours.weekly[d].map((iv) => `${iv.open}-${iv.close}`).join(", ") || "closed";
  const same = WEEKDAYS.every((d) => day(d) === day("mon"));
  const text = `${same ? `${day("mon")} every day` : WEEKDAYS.map((d) => `${d} ${day(d)}`).join("; ")} (${timeZone}; the store's Alerts page edits them)`;
  if (isOpen(hours, now, timeZone)) return text;
  const next = openIntervals(hours, { from: now, to: now + 8 * 86_400_000 }, timeZone).find((iv) => iv.from > now);
  if (!next) return `${text}. Closed now: nobody comes in while these hours say closed`;
  const when = new Intl.DateTimeFormat("en-GB", { timeZone, ...(next.from - now >= 86_400_000 ? { weekday: "short" as const } : {}), hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).format(next.from);
  const notYetToday = openIntervals(hours, { from: localMidnight(now, timeZone), to: now }, timeZone).length === 0;
  const today = history && notYetToday ? ", so Today stays empty till then; the back-filled history is under Yesterday" : "";
  return `${text}. Closed now: nobody comes in until it opens at ${when}${today}`;
}

/**
 * The demo simulator's settings: the store's day is the clock's (`followClock`), so its visitors
 * keep to the opening hours the demo gives it at any speed; `speed` makes them come that many times
 * as often and stay that many times shorter.
 */
export function demoSimSettings(o: {
  speed: number;
  backfillHours: number;
  heldTs: number | null;
  weeklyCurve?: number[];
  /** The store's layout versions, for the history to follow (`backfillLayouts`). */
  layouts?: readonly Pick<Layout, "validFrom" | "timezone" | "zones">[];
  sales: { url: string; token: string; stateFile?: string };
  /** The people a killed run of the simulator left inside (`simLeftInside`): sent out first. */
  leftInside?: LeftInside | null;
}) {
  return {
    speed: o.speed,
    followClock: true,
    backfillHours: o.backfillHours,
    ...(o.heldTs !== null ? { backfillFrom: o.heldTs + 1 } : {}),
    ...(o.leftInside ? { leftInside: o.leftInside } : {}),
    ...(o.layouts && o.layouts.length > 1 ? { backfillLayouts: o.layouts.map((l) => ({ validFrom: l.validFrom, timezone: l.timezone, zones: l.zones })) } : {}),
    ...(o.weeklyCurve ? { weeklyCurve: o.weeklyCurve } : {}),
    // The simulated tills send each paying visitor's transaction to the sales import, as a till system would.
    sales: o.sales,
  };
}

/** What a killed run of the demo's simulator left inside (the sim setting `leftInside`). */
export interface LeftInside {
  /** When they walk out: the instant after the run's newest event stored. */
  ts: number;
  exits: { zone: string; visitor: string }[];
  doors: { zone: string; out: number }[];
}

/**
 * The people a run of `agent` (the demo's simulator) left in `store` when it was killed (kill -9,
 * a crash: no graceful stop, so no walk-out), as the server holds them: the visits still open whose
 * last event was that agent's enter, and each door zone's net count (in minus out since the door
 * count's reset: the store's last closing, else local midnight) of that agent's own counts. Null
 * when there are none. The next run sends them out first (the sim's `leftInside`), at the instant
 * after the agent's newest stored event (`heldTs`), as its graceful stop would have; nothing of
 * another agent or store is read or touched. A run that stopped gracefully left nothing to find.
 */
export async function simLeftInside(
  services: Pick<RunningServer["services"], "storage" | "layouts" | "analytics">,
  store: string,
  agent: string,
  heldTs: number | null,
  now: number,
): Promise<LeftInside | null> {
  if (heldTs === null) return null;
  const { storage, analytics } = services;
  const ts = heldTs + 1;
  const exits: LeftInside["exits"] = [];
  // Visits open at `ts`: those silent for the visit timeout by then are abandoned already.
  const open = (await storage.aggregates.openVisitsSince(store, ts - analytics.opts.visitTimeoutMs + 1)).sort((a, b) => (a.visitor < b.visitor ? -1 : a.visitor > b.visitor ? 1 : a.zone < b.zone ? -1 : a.zone > b.zone ? 1 : 0));
  if (open.length > 0) {
    const events = await storage.events.visitorsEvents(store, [...new Set(open.map((o) => o.visitor))]);
    for (const o of open) {
      const last = (events.get(o.visitor) ?? []).filter((e) => e.type !== "position" && e.zone === o.zone).at(-1);
      if (last?.type === "enter" && last.id.startsWith(`${agent}:`)) exits.push({ zone: o.zone, visitor: o.visitor });
    }
  }
  // The door count's reset in force when the run was killed (at `ts`, which may be a back-filled hour): its counts since
  // then it never counted out. A reset since (closing, midnight) dropped them from today's count; their count out at `ts`
  // still evens that day's in and out, as the graceful stop would have.
  const timeZone = services.layouts.current(store, ts)?.timezone ?? services.layouts.current(store, now)?.timezone ?? DEMO_LAYOUT.timezone;
  const midnight = localMidnight(ts, timeZone);
  const since = analytics.opts.doorCountSince?.(store, ts, timeZone, midnight) ?? midnight;
  const doors = (await storage.events.agentDoorSums(store, agent, since, ts)).filter((d) => d.in > d.out).map((d) => ({ zone: d.zone, out: d.in - d.out }));
  return exits.length > 0 || doors.length > 0 ? { ts, exits, doors } : null;
}

/**
 * The demo store before its layout change: Promotions (the promo table) stood in the back corner,
 * by Frozen food, far from the entrance. The change (version 2, `DEMO_LAYOUT`) moved it to the
 * centre aisle, where the simulator's shoppers, drawn more by nearer zones, reach it more often.
 */
export const DEMO_LAYOUT_BEFORE_CHANGE: LayoutInput = {
  ...DEMO_LAYOUT,
  zones: DEMO_LAYOUT.zones.map((z) =>
    z.id === "promo"
      ? {
          ...z,
          polygon: [
            [25, 15],
            [29.5, 15],
            [29.5, 19.5],
            [25, 19.5],
          ],
        }
      : z,
  ),
};

/** The demo store's version that made the layout change (the first is the layout before it). */
export const DEMO_CHANGE_VERSION = 2;

/**
 * A demo store's first run: its floor plan with a past layout change to judge, two versions saved
 * as the editor saves them (stored, the cache reloaded, the agents and schedule told): the layout
 * before the change (`DEMO_LAYOUT_BEFORE_CHANGE`) from 8 days ago, before the back-filled history,
 * so every simulated event has its zones, and `DEMO_LAYOUT` from `demoChangeAgoMs` ago. A store
 * that has a layout in force (an earlier run; the demo keeps its data folder) is left as it is:
 * answers the versions saved, none then.
 */
export async function seedDemoLayouts(services: Pick<RunningServer["services"], "storage" | "layouts" | "onLayoutSaved">, now: number, backfillHours: number): Promise<Layout[]> {
  const { storage, layouts } = services;
  await layouts.load(STORE);
  if (layouts.current(STORE, now)) return [];
  const saved: Layout[] = [];
  for (const input of [
    { ...DEMO_LAYOUT_BEFORE_CHANGE, validFrom: now - 8 * 86_400_000 },
    { ...DEMO_LAYOUT, validFrom: now - demoChangeAgoMs(backfillHours) },
  ]) {
    const layout = await storage.stores.saveLayout(asId<StoreId>(STORE), input, now);
    await auditSystem(storage, now, "layout.save", STORE, { version: layout.version, validFrom: layout.validFrom, zones: layout.zones.length }, STORE, DEMO_ACTOR);
    await layouts.reload(STORE);
    await services.onLayoutSaved(layout);
    saved.push(layout);
  }
  return saved;
}

/** The seeded change among the demo store's versions (version 2, Promotions moved from where version 1 had it), once in force; null when the store's history is another. */
export function demoChange(versions: readonly Pick<Layout, "version" | "validFrom" | "zones">[], now: number): Pick<Layout, "version" | "validFrom"> | null {
  const promo = (version: number) => JSON.stringify(versions.find((v) => v.version === version)?.zones.find((z) => z.id === "promo")?.polygon ?? null);
  const change = versions.find((v) => v.version === DEMO_CHANGE_VERSION);
  const before = JSON.stringify(DEMO_LAYOUT_BEFORE_CHANGE.zones.find((z) => z.id === "promo")!.polygon);
  return change && change.validFrom <= now && promo(DEMO_CHANGE_VERSION - 1) === before && promo(DEMO_CHANGE_VERSION) !== before ? change : null;
}

/**
 * The banner's line on the layout change the demo store's history holds, for the Experiments page.
 * `historyFrom`: when the store's history begins; less than a day before the change (`--backfill-hours`
 * under 48 at the first run), the line says there is no day before it to compare instead of promising one.
 */
export function demoChangeLine(changeAt: number, timeZone: string, historyFrom?: number): string {
  const fmt = (ms: number) => new Intl.DateTimeFormat("en-GB", { timeZone, weekday: "short", day: "numeric", month: "short", hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).format(ms);
  const base = `a past layout change: Promotions moved from the back corner to the centre aisle on ${fmt(changeAt)}`;
  if (historyFrom !== undefined && historyFrom > changeAt - 86_400_000) {
    const begins = historyFrom > changeAt ? "after it" : `on ${fmt(historyFrom)}, less than a day before it`;
    return `${base}, but the store's history begins ${begins}: Experiments has no day before it to compare (a demo on a new data folder with --backfill-hours 72, the default, has both)`;
  }
  return `${base} (Experiments > New experiment compares the day before and after it)`;
}

/** An arrival curve open from local hour `opens` up to `closes` (the chain simulator's hours). */
export function openHoursCurve(opens: number, closes: number): number[] {
  return Array.from({ length: 24 }, (_, h) => (h >= opens && h < closes ? 1 : 0));
}

/**
 * `footfall demo`: the server, a demo store with a floor plan, and the simulator speaking MQTT
 * to it like any agent. Prints the URL, an admin token to sign in with, and a kiosk URL that
 * carries a staff token limited to the demo store (never the admin token).
 */
export async function runDemo(config: ServerConfig, asked: { speed: number; backfillHours: number; stores?: number; curve?: string }) {
  if (!(asked.speed > 0 && asked.speed <= 100_000)) throw new Error(`--speed ${asked.speed}: give simulated seconds per real second, above 0 and at most 100000 (1 is real time)`);
  // The server takes events up to 7 days old: more history than DEMO_MAX_BACKFILL_HOURS is cut to it (and the banner says so).
  const opts = { ...asked, backfillHours: demoBackfillHours(asked.backfillHours) };
  const stores = opts.stores ?? 1;
  if (!(Number.isInteger(stores) && stores >= 1 && stores <= 10_000)) throw new Error(`--stores ${opts.stores}: give a whole number of stores from 1 to 10000`);
  if (stores > 1 && opts.curve) throw new Error("--curve sets the one demo store's arrivals; the chain (--stores) gives each store its own crowd: leave one out");
  // A weekly arrival curve (e.g. the typical week of a real people-count series), read before the server starts.
  const weeklyCurve = opts.curve ? readCurveFile(opts.curve) : undefined;
  if (stores > 1) return runChainDemo(config, { ...opts, stores, askedBackfillHours: asked.backfillHours });
  const server = await startServer(config);
  const { storage, layouts, now } = server.services;
  if (await seedDemoLayouts(server.services, now(), opts.backfillHours)) {
    // Opening hours that hold the simulated day (arrivals from 08:00 to 21:00, the last shoppers out by 21:30).
    await setDemoHours(server, STORE, hoursCoveringCurve(weeklyCurve ?? DEMO_HOURLY_CURVE, DEMO_CLOSING_GRACE_MINUTES));
  }
  // The layout change to judge, when the store's history holds it (the seeded one, kept from an earlier run).
  const versions = await layouts.load(STORE);
  const change = demoChange(versions, now());
  // History already held (an earlier run of the demo, or the simulator's run before it restarted): the
  // simulator back-fills only after its newest event, so no hour of history is ever sent twice.
  const heldNow = async () => (await storage.agents.list(STORE)).find((a) => a.agent === AGENT)?.lastEventTs ?? null;
  const held = await heldNow();
  // When the store's history begins: the first figures held, else where this run's back-fill starts.
  const historyFrom = async () => {
    const first = held !== null ? await storage.aggregates.firstHour(STORE) : null;
    return first !== null ? first * 3_600_000 : now() - opts.backfillHours * 3_600_000;
  };
  const configFile = join(config.dataDir, "demo-sim.json");
  const creds = await addDemoAgent(storage, STORE, AGENT, now(), savedSimCredentials(configFile));
  const tokens = await demoTokens(storage, config.dataDir, now());
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  const writeSimConfig = (heldTs: number | null, leftInside: LeftInside | null = null) =>
    writeFileSync(
      configFile,
      JSON.stringify(
        {
          store: STORE,
          agent: AGENT,
          mqtt: { url: `mqtt://localhost:${server.mqttPort ?? 1883}`, username: creds.username, password: creds.password },
          // Ctrl-C stops the demo within seconds: what the server has not committed by then is back-filled at the next start.
          shutdownTimeoutMs: DEMO_SIM_DRAIN_S * 1000,
          settings: demoSimSettings({
            speed: opts.speed,
            backfillHours: opts.backfillHours,
            heldTs,
            leftInside,
            ...(weeklyCurve ? { weeklyCurve } : {}),
            // The history follows the store's layout versions: before the change, Promotions draws from the back corner.
            layouts: versions,
            // What the import has not taken when the demo stops waits on disk and goes first at the next start.
            sales: { url: `${server.httpUrl}/api/v1/stores/${STORE}/sales`, token: tokens.tills, stateFile: join(config.dataDir, "demo-sim-sales.jsonl") },
          }),
        },
        null,
        2,
      ),
      { mode: 0o600 },
    );
  // A run of the simulator killed before (kill -9 of the demo, a crash) left its shoppers inside: the new one walks them out first.
  const leftBy = async (heldTs: number | null) => {
    const left = await simLeftInside(server.services, STORE, AGENT, heldTs, now());
    if (left) server.services.log.info({ visits: left.exits.length, door: left.doors }, "the simulator's run killed before left shoppers inside: the new run walks them out first");
    return left;
  };
  // After a clean stop only the shoppers the simulator lost track of are open: the server's visit timeout closes them.
  writeSimConfig(held, takeCleanStop(config.dataDir, SIM_STOP_FILE) ? null : await leftBy(held));
  let child: ChildProcess | null = null;
  let stopping = false;
  const startSim = () => {
    // It stops by itself when the demo is killed outright (kill -9): no orphan left retrying a broker that is gone. The demo
    // names itself (FOOTFALL_EDGE_PARENT_PID): killed while the simulator still starts, it is gone before the simulator looks.
    child = spawn(process.execPath, [edgeCli(), "sim", "--config", configFile], { stdio: ["ignore", "inherit", "inherit"], env: { ...process.env, FOOTFALL_EDGE_STOP_WITH_PARENT: "1", FOOTFALL_EDGE_PARENT_PID: String(process.pid) } });
    child.on("exit", (code) => {
      if (stopping) return;
      server.services.log.warn({ code }, "the simulator stopped; restarting it in 2 s (back-filling only after the newest event stored)");
      setTimeout(() => void restartSim(), 2000).unref();
    });
  };
  const restartSim = async () => {
    if (stopping) return;
    try {
      const heldTs = await heldNow();
      writeSimConfig(heldTs, await leftBy(heldTs));
    } catch (err) {
      server.services.log.error({ err }, "could not read the simulator's newest stored event; restarting it without back-filling");
      writeSimConfig(now());
    }
    if (!stopping) startSim();
  };
  if (config.mqttUrl) server.services.log.warn("demo with an external broker: the simulator needs the broker to admit it (footfall broker-config)");
  startSim();
  const url = server.httpUrl;
  process.stdout.write(
    demoBanner({
      title: "Footfall demo is running.",
      url,
      speed:
        opts.speed === 1
          ? "real time (--speed 60 brings visitors 60 times as often, each staying 60 times shorter)"
          : `${opts.speed}x: visitors come ${opts.speed} times as often as in a real store and stay ${opts.speed} times shorter; the store's day and opening hours follow the clock`,
      history: `${held !== null ? demoHeldLine(held, layouts.current(STORE, now())?.timezone ?? DEMO_LAYOUT.timezone) : `${opts.backfillHours} h back-filled`}${backfillCutNote(asked.backfillHours)}${opts.curve ? `; arrivals follow the weekly curve of ${opts.curve}` : ""}`,
      ...(change ? { change: demoChangeLine(change.validFrom, versions.at(-1)?.timezone ?? DEMO_LAYOUT.timezone, await historyFrom()) } : {}),
      hours: demoHoursLine(await storage.hours.get(STORE, now()), now(), layouts.current(STORE, now())?.timezone ?? DEMO_LAYOUT.timezone, held !== null || opts.backfillHours > 0),
      tokens,
      kioskStore: STORE,
      metricsUrl: server.metricsUrl,
    }),
  );
  return {
    server,
    tokens,
    close: async (signal?: NodeJS.Signals) => {
      const started = performance.now();
      stopping = true;
      // The simulator stops first, while the broker still runs, so that it says goodbye (its
      // offline status) at once instead of waiting out its publish timeouts against a closed port.
      if (await stopChild(child, 8000)) markCleanStop(config.dataDir, SIM_STOP_FILE, now());
      await server.close(signal);
      process.stdout.write(demoGoodbye(performance.now() - started, config.dataDir));
    },
  };
}

/**
 * The most history the demo back-fills (`--backfill-hours`): the server takes events up to 7 days
 * old (FOOTFALL_MAX_AGE), and the simulator's back-fill, paced to what the server commits, may take
 * a while: 160 h (6 days 16 h) keeps its oldest hour well inside. The simulator refuses more.
 */
export const DEMO_MAX_BACKFILL_HOURS = 160;

/** How long the demo's simulator waits, as it stops, for the server to commit what it sent (s). */
const DEMO_SIM_DRAIN_S = 2;

/** `--backfill-hours` as the demo uses it: a whole number of hours from 0 to {@link DEMO_MAX_BACKFILL_HOURS}. */
export function demoBackfillHours(asked: number): number {
  return Number.isFinite(asked) ? Math.min(DEMO_MAX_BACKFILL_HOURS, Math.max(0, Math.round(asked))) : 0;
}

/** The banner's words when `--backfill-hours` asked for more than the demo back-fills; "" otherwise. */
export function backfillCutNote(asked: number): string {
  return asked > DEMO_MAX_BACKFILL_HOURS
    ? ` (--backfill-hours ${asked} asked for more: the server takes events up to 7 days old, so the demo back-fills at most ${DEMO_MAX_BACKFILL_HOURS} h)`
    : "";
}

/** SIGTERM to `child` and wait for it to exit, SIGKILL after `graceMs`. */
async function stopChild(child: ChildProcess | null, graceMs: number): Promise<boolean> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return false;
  const exited = new Promise<boolean>((resolve) => child.once("exit", (code, signal) => resolve(code === 0 && signal === null)));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
  const clean = await exited;
  clearTimeout(timer);
  return clean;
}

/**
 * The file a demo's simulator leaves in the data folder when it stopped cleanly (Ctrl-C, `kill`):
 * its shoppers walked out at the stop. What a clean run leaves open is only the visits of shoppers
 * it lost track of (the simulated tracking losses, `vanishRate`), which the server closes at its
 * visit timeout as abandoned, as it would a real camera's: the next start must not take them for
 * people a killed run left inside (nor say it was killed). Read and removed at each start, so a
 * kill of that run is told again.
 */
export function takeCleanStop(dataDir: string, name: string): boolean {
  const file = join(dataDir, name);
  let clean = false;
  try {
    clean = (JSON.parse(readFileSync(file, "utf8")) as { stoppedCleanly?: unknown }).stoppedCleanly === true;
  } catch {
    // None (a first start, a killed run) or unreadable: a killed run's shoppers are looked for.
  }
  rmSync(file, { force: true });
  return clean;
}

/** Notes that the demo's simulator stopped cleanly (its shoppers walked out): see {@link takeCleanStop}. */
export function markCleanStop(dataDir: string, name: string, now: number): void {
  writeFileSync(join(dataDir, name), JSON.stringify({ stoppedCleanly: true, at: new Date(now).toISOString() }) + "\n", { mode: 0o600 });
}

const SIM_STOP_FILE = "demo-sim-stopped.json";
const CHAIN_SIM_STOP_FILE = "demo-chain-sim-stopped.json";

/** What `footfall-edge chain --print-layouts` prints: each store with its agent and floor plan. */
interface ChainLayouts {
  stores: { store: string; agent: string; name: string; city: string; opens: number; closes: number; layout: Layout & { store: string; version?: number } }[];
}

const CHAIN_SEED = 1;

/**
 * `footfall demo --stores N`: a chain of N believable stores (the chain simulator's: their own floor
 * plans, cities, time zones, hours and crowds), each with its own agent login, all simulated by one
 * `footfall-edge chain` process. Each store back-fills only after its newest event the server holds
 * (`--backfill-from`), at the first run, at a restart of the demo and at a restart of the simulator
 * alike: a restarted simulator's events carry new ids, so sending an hour again would count it twice.
 */
async function runChainDemo(config: ServerConfig, opts: { speed: number; backfillHours: number; stores: number; askedBackfillHours: number }) {
  const server = await startServer(config);
  const { storage, layouts, now } = server.services;
  let chain: ChainLayouts;
  try {
    chain = JSON.parse(
      execFileSync(process.execPath, [edgeCli(), "chain", "--stores", String(opts.stores), "--seed", String(CHAIN_SEED), "--print-layouts"], {
        encoding: "utf8",
        maxBuffer: 512 * 1024 * 1024,
      }),
    ) as ChainLayouts;
  } catch (err) {
    await server.close();
    throw new Error(`the chain simulator could not describe its stores (footfall-edge chain --print-layouts): ${(err as Error).message}`, { cause: err });
  }
  const credentials: string[] = [];
  const credentialsFile = join(config.dataDir, "demo-chain-agents.jsonl");
  const savedCredentials = savedChainCredentials(credentialsFile);
  for (const s of chain.stores) {
    await layouts.load(s.store);
    if (!layouts.current(s.store, now())) {
      const { store: _store, version: _version, ...input } = s.layout;
      // Valid from before the back-filled history, so every simulated event has its zones.
      const layout = await storage.stores.saveLayout(asId<StoreId>(s.store), { ...input, validFrom: Math.min(input.validFrom, now() - 8 * 86_400_000) }, now());
      await auditSystem(storage, now(), "layout.save", s.store, { version: layout.version, validFrom: layout.validFrom, zones: layout.zones.length }, s.store, DEMO_ACTOR);
      await layouts.reload(s.store);
      await server.services.onLayoutSaved(layout);
      // Its own opening hours, the ones its crowd comes in (the chain simulator's opens and closes).
      await setDemoHours(server, s.store, hoursCoveringCurve(openHoursCurve(s.opens, s.closes), DEMO_CLOSING_GRACE_MINUTES));
    }
    credentials.push(JSON.stringify(await addDemoAgent(storage, s.store, s.agent, now(), savedCredentials.get(`${s.store}/${s.agent}`))));
  }
  const first = chain.stores[0]!.store;
  const tokens = await demoTokens(storage, config.dataDir, now(), first, null);
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  // The simulated tills' token, for every store: in a file, not on the simulator's command line (ps shows that).
  const tillsTokenFile = join(config.dataDir, "demo-chain-tills-token");
  writeFileSync(tillsTokenFile, `${tokens.tills}\n`, { mode: 0o600 });
  writeFileSync(credentialsFile, credentials.join("\n") + "\n", { mode: 0o600 });
  const backfill = opts.backfillHours;
  // Each store's newest event held + 1, where its back-fill starts (the stores without any: --backfill-hours ago).
  const backfillFile = join(config.dataDir, "demo-chain-backfill.json");
  const writeBackfillFrom = async (): Promise<number> => {
    const from: Record<string, number> = {};
    for (const s of chain.stores) {
      const newest = (await storage.agents.list(s.store)).find((a) => a.agent === s.agent)?.lastEventTs ?? null;
      if (newest !== null) from[s.store] = newest + 1;
    }
    writeFileSync(backfillFile, JSON.stringify(from, null, 2) + "\n", { mode: 0o600 });
    return Object.keys(from).length;
  };
  // Per store, the people a run of its agent killed before (kill -9 of the demo, a crash) left inside: the new run walks them out first.
  const leftInsideFile = join(config.dataDir, "demo-chain-left-inside.json");
  const writeLeftInside = async (): Promise<void> => {
    const left: Record<string, LeftInside> = {};
    for (const s of chain.stores) {
      const newest = (await storage.agents.list(s.store)).find((a) => a.agent === s.agent)?.lastEventTs ?? null;
      const l = await simLeftInside(server.services, s.store, s.agent, newest, now());
      if (l) left[s.store] = l;
    }
    const stores = Object.keys(left);
    if (stores.length > 0)
      server.services.log.info(
        { stores: stores.length, visits: Object.values(left).reduce((n, l) => n + l.exits.length, 0), first: stores.slice(0, 5) },
        "the chain simulator's run killed before left shoppers inside: the new run walks them out first, each store's own",
      );
    writeFileSync(leftInsideFile, JSON.stringify(left) + "\n", { mode: 0o600 });
  };
  const held = (await writeBackfillFrom()) > 0;
  // After a clean stop only the shoppers the simulator lost track of are open: the server's visit timeout closes them.
  if (takeCleanStop(config.dataDir, CHAIN_SIM_STOP_FILE)) writeFileSync(leftInsideFile, "{}\n", { mode: 0o600 });
  else await writeLeftInside();
  let child: ChildProcess | null = null;
  let stopping = false;
  const startSim = () => {
    child = spawn(
      process.execPath,
      [
        edgeCli(),
        "chain",
        ...["--stores", String(opts.stores), "--seed", String(CHAIN_SEED), "--credentials", credentialsFile],
        ...["--mqtt-url", config.mqttUrl ?? `mqtt://localhost:${server.mqttPort ?? 1883}`, "--speed", String(opts.speed), "--follow-clock"],
        ...["--backfill-hours", String(backfill), "--backfill-from", backfillFile, "--left-inside", leftInsideFile],
        // Ctrl-C stops the demo within seconds: what the server has not committed by then is back-filled at the next start.
        ...["--drain", String(DEMO_SIM_DRAIN_S)],
        ...["--sales-url", server.httpUrl, "--sales-token-file", tillsTokenFile, "--sales-keep-dir", join(config.dataDir, "demo-chain-sales")],
      ],
      { stdio: ["ignore", "inherit", "inherit"], env: { ...process.env, FOOTFALL_LOG_LEVEL: process.env.FOOTFALL_LOG_LEVEL ?? "warn", FOOTFALL_EDGE_STOP_WITH_PARENT: "1", FOOTFALL_EDGE_PARENT_PID: String(process.pid) } },
    );
    child.on("exit", (code) => {
      if (stopping) return;
      server.services.log.warn({ code }, "the chain simulator stopped; restarting it in 2 s (each store back-filling only after its newest event stored)");
      setTimeout(() => void restartSim(), 2000).unref();
    });
  };
  const restartSim = async () => {
    if (stopping) return;
    try {
      await writeBackfillFrom();
      await writeLeftInside();
    } catch (err) {
      server.services.log.error({ err }, "could not read the stores' newest stored events; restarting the chain simulator without back-filling");
      writeFileSync(backfillFile, JSON.stringify(Object.fromEntries(chain.stores.map((s) => [s.store, now()]))) + "\n", { mode: 0o600 });
      writeFileSync(leftInsideFile, "{}\n", { mode: 0o600 });
    }
    if (!stopping) startSim();
  };
  if (config.mqttUrl) server.services.log.warn("demo with an external broker: the simulated agents need the broker to admit them (footfall broker-config)");
  startSim();
  const url = server.httpUrl;
  process.stdout.write(
    demoBanner({
      title: `Footfall demo is running: ${chainDemoWords(chain.stores)}.`,
      url,
      speed:
        opts.speed === 1
          ? "real time (--speed 60 brings visitors 60 times as often, each staying 60 times shorter)"
          : `${opts.speed}x: visitors come ${opts.speed} times as often as in a real store and stay ${opts.speed} times shorter; each store's day and opening hours follow the clock`,
      history: `${held ? `kept from earlier runs; each store back-filled only after its newest event (at most ${backfill} h)` : `${backfill} h back-filled`}${backfillCutNote(opts.askedBackfillHours)}`,
      tokens,
      kioskStore: first,
      metricsUrl: server.metricsUrl,
    }),
  );
  return {
    server,
    tokens,
    close: async (signal?: NodeJS.Signals) => {
      const started = performance.now();
      stopping = true;
      if (await stopChild(child as ChildProcess | null, 8000)) markCleanStop(config.dataDir, CHAIN_SIM_STOP_FILE, now());
      await server.close(signal);
      process.stdout.write(demoGoodbye(performance.now() - started, config.dataDir));
    },
  };
}

/**
 * What the chain demo's banner says it runs, from the simulator's own list of stores: how many in each city (the most
 * first, six cities at most, the rest counted) and their names (four at most, the rest counted), so that the figures
 * add up to the stores there are: "a chain of 3 stores, 2 in Paris and 1 in Milan: Footfall Market Paris, Footfall
 * Fashion Milan and Footfall Market Paris 2" (it said "3 stores (Paris, Milan)", two cities for three stores).
 */
export function chainDemoWords(stores: readonly { name: string; city: string }[]): string {
  const and = (parts: readonly string[]) => (parts.length <= 1 ? parts.join("") : `${parts.slice(0, -1).join(", ")} and ${parts.at(-1)}`);
  const inCity = new Map<string, number>();
  for (const s of stores) inCity.set(s.city, (inCity.get(s.city) ?? 0) + 1);
  // Most stores first; a tie in the simulator's order.
  const cities = [...inCity].sort((a, b) => b[1] - a[1]);
  const shown = cities.length > 6 ? cities.slice(0, 5) : cities;
  const rest = cities.slice(shown.length);
  const where =
    cities.length === 1
      ? ` in ${cities[0]![0]}`
      : `, ${and([...shown.map(([city, n]) => `${n} in ${city}`), ...(rest.length > 0 ? [`${rest.reduce((n, [, k]) => n + k, 0)} in ${rest.length} other cities`] : [])])}`;
  const names = stores.length > 4 ? [...stores.slice(0, 3).map((s) => s.name), `${stores.length - 3} more`] : stores.map((s) => s.name);
  return `a chain of ${stores.length} store${stores.length === 1 ? "" : "s"}${where}: ${and(names)}`;
}

/** The line both demos print once stopped: how long the stop took, and that a start goes on from the data kept. */
export function demoGoodbye(ms: number, dataDir: string): string {
  return `Footfall demo stopped in ${(ms / 1000).toFixed(1)} s. Its data stays in ${dataDir}: the next start goes on from there.\n`;
}

/** The lines both demos print once they run: where to open, how fast, the tokens and how to stop. */
function demoBanner(b: {
  title: string;
  url: string;
  speed: string;
  history: string;
  /** The demo store's opening hours (the single-store demo). */
  hours?: string | null;
  /** The past layout change the demo store's history holds (the single-store demo). */
  change?: string;
  tokens: { admin: string; kiosk: string };
  kioskStore: string;
  metricsUrl: string | null | undefined;
}): string {
  return (
    [
      "",
      `  ${b.title}`,
      `  Open     ${b.url}`,
      `  Speed    ${b.speed}`,
      `  History  ${b.history}`,
      ...(b.hours ? [`  Hours    ${b.hours}`] : []),
      ...(b.change ? [`  Judge    ${b.change}`] : []),
      `  Token    ${b.tokens.admin}   (admin: paste it to sign in; keep it to yourself)`,
      `  Kiosk    ${b.url}/#/live/${b.kioskStore}?kiosk=1&token=${b.tokens.kiosk}   (staff, store "${b.kioskStore}" only: for a tablet)`,
      `  API      ${b.url}/api/docs`,
      ...(b.metricsUrl ? [`  Metrics  ${b.metricsUrl}   (Prometheus, this machine only by default)`] : []),
      "  Stop     Ctrl+C",
      "",
    ].join("\n") + "\n"
  );
}
