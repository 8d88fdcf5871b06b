/**
 * `footfall agent list`: the agents of a chain's stores as IT reads them on a shell (a table) or feeds
 * them to a script (JSON Lines). Pure: the rows come from storage, the time, the time zone and the
 * clock warning's threshold are passed in. The clock's words and threshold are core's, as in the
 * Agents view (formatClockOffset, clockOffWarns), and so are the "5 min ago" words (formatAgo).
 */
import { AGENT_PROBLEM_WORDS, agentProblems, agentRejectsOf, agentRejectWords, clockOffWarns, type AgentRejects, DEFAULT_STATUS_EVERY_MS, downWhileClosed, formatAgo, formatClockOffset, silentAfterMs, type AgentProblem, type StoreOpening } from "@footfall/core";
import { attentionOf, statusPartOf } from "./agent-info.js";
import type { AgentRow } from "./storage/types.js";

/**
 * What `--status` can ask for: an agent's last state (online, offline, never-seen: no status yet), revoked, or closed:
 * offline since its store closed (or shortly before), as the gauge footfall_agents{state} counts it (a box switched off
 * at night), so that `--status offline` names the agents the gauge's offline counts.
 */
export const AGENT_LIST_STATUSES = ["online", "offline", "never-seen", "revoked", "closed"] as const;

/** One agent as `footfall agent list` shows it (times epoch ms, server's clock unless said otherwise). */
export interface AgentListEntry {
  store: string;
  agent: string;
  kind: string;
  /** revoked, or its last state: online, offline, never-seen; closed: offline since its store closed (by its hours, as the gauge). */
  status: string;
  version: string | null;
  /** When the server last heard from it live: its newest event's or live status's arrival; null: never. */
  lastSeenAt: number | null;
  /** Its last status's own time stamp (its clock; a last will's is when it connected). */
  lastStatusTs: number | null;
  /** Its newest event's time (its clock). */
  lastEventTs: number | null;
  /** How late its newest event arrived. */
  lagMs: number | null;
  /** Its clock minus the server's (positive: ahead), from its live statuses; null: not measured. */
  clockOffsetMs: number | null;
  /** When that was measured (the newest live status's arrival). */
  clockMeasuredAt: number | null;
  /** The offset is past the threshold (FOOTFALL_CLOCK_WARN_MS). */
  clockWarn: boolean;
  revokedAt: number | null;
  /** What needs attention (core's agentProblems, as GET /api/v1/agents and the Agents view flag it); [] when fine or revoked. */
  problems: AgentProblem[];
  /** What it said at its last status it refused itself, by reason (GET /api/v1/agents' agentRejects); null: it does not say. */
  agentRejects: AgentRejects | null;
}

export interface AgentListFilter {
  /** Only these stores (none: every store). */
  stores?: readonly string[];
  /** Only these statuses (none: every status). */
  statuses?: readonly string[];
}

/** Code-unit order (PostgreSQL's COLLATE "C", SQLite's BINARY): ids are a-z, 0-9, "-" and "_". */
const byId = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * A stored agent as listed: its status, when last seen, its clock (the Agents API's clockOffsetMs and clockMeasuredAt) and what needs
 * attention at `now` (`opening`: its store's hours, as the Agents API reads them: an agent down since the store closed needs none until it opens).
 */
export function agentListEntry(row: AgentRow, warnMs: number, now: number, opening?: StoreOpening | null): AgentListEntry {
  const status = statusPartOf(row);
  const h = attentionOf(row, status);
  let state = row.revokedAt !== null ? "revoked" : row.state;
  // As the gauge (agentStateCounts): a box down since its store closed is closed, not offline.
  if (state === "offline" && opening && downWhileClosed(attentionOf(row), now, opening)) state = "closed";
  return {
    store: row.store,
    agent: row.agent,
    kind: row.kind,
    status: state,
    version: row.version,
    // Heard from: its newest live status (confirmed or not) or event, as the Agents API's lastHeardAt.
    lastSeenAt: h.lastHeardAt,
    lastStatusTs: h.lastStatusTs,
    lastEventTs: h.lastEventTs,
    lagMs: h.lagMs,
    clockOffsetMs: h.clockOffsetMs,
    clockMeasuredAt: h.clockMeasuredAt,
    clockWarn: clockOffWarns(h.clockOffsetMs, warnMs),
    revokedAt: row.revokedAt,
    problems: agentProblems(h, warnMs, now, opening),
    agentRejects: agentRejectsOf(status.metrics),
  };
}

/** The rows as entries, those the filter asks for, by store then agent; what needs attention as of `now` (the server's clock). */
export function agentList(
  rows: readonly AgentRow[],
  filter: AgentListFilter,
  warnMs: number,
  now: number = Date.now(),
  openingOf?: (store: string) => StoreOpening | null | undefined,
): AgentListEntry[] {
  const stores = filter.stores?.length ? new Set(filter.stores) : null;
  const statuses = filter.statuses?.length ? new Set(filter.statuses) : null;
  return rows
    .map((r) => agentListEntry(r, warnMs, now, openingOf?.(r.store)))
    .filter((e) => (!stores || stores.has(e.store)) && (!statuses || statuses.has(e.status)))
    .sort((a, b) => byId(a.store, b.store) || byId(a.agent, b.agent));
}

/**
 * {@link agentList} with each store's opening hours, read (`openingOf`) only for the stores where they can change the
 * answer: those with an agent flagged offline or silent without them (hours only ever take those flags away, from an
 * agent down since its store closed). A chain whose agents are up reads none, not one or two reads for every store.
 */
export async function agentListOpened(
  rows: readonly AgentRow[],
  filter: AgentListFilter,
  warnMs: number,
  now: number,
  openingOf: (store: string) => Promise<StoreOpening | null>,
): Promise<AgentListEntry[]> {
  // Without the statuses asked for: hours can turn an offline agent closed (`--status closed` lists none without them).
  const without = agentList(rows, { stores: filter.stores }, warnMs, now);
  const stores = [...new Set(without.filter((e) => e.problems.includes("offline") || e.problems.includes("silent")).map((e) => e.store))];
  if (stores.length === 0) return agentList(rows, filter, warnMs, now);
  const openings = new Map(await Promise.all(stores.map(async (s) => [s, await openingOf(s)] as const)));
  return agentList(rows, filter, warnMs, now, (s) => openings.get(s));
}

/** The gauge footfall_agents{state}'s states: `footfall agent list --status`'s. */
export const AGENT_GAUGE_STATES = AGENT_LIST_STATUSES;

/**
 * The agents by status (online, offline, never-seen, revoked, closed; each always there, 0 when none): the gauge
 * footfall_agents{state}, as `footfall agent list --status` counts them: an offline agent whose store is closed since
 * it went down (or has been open for less than its grace, core downWhileClosed by `openingOf`, the store's hours) is
 * `closed`, not `offline`: an IT alert on offline > 0 does not fire every night.
 */
export function agentStateCounts(
  rows: readonly AgentRow[],
  now: number = Date.now(),
  openingOf?: (store: string) => StoreOpening | null | undefined,
): Record<(typeof AGENT_GAUGE_STATES)[number], number> {
  const counts = Object.fromEntries(AGENT_GAUGE_STATES.map((s) => [s, 0])) as Record<(typeof AGENT_GAUGE_STATES)[number], number>;
  for (const row of rows) {
    // As agentListEntry's status: revoked, or its last state.
    let status = (row.revokedAt !== null ? "revoked" : row.state) as (typeof AGENT_GAUGE_STATES)[number];
    if (status === "offline" && openingOf && downWhileClosed(attentionOf(row), now, openingOf(row.store))) status = "closed";
    if (status in counts) counts[status]++;
  }
  return counts;
}

/** {@link agentStateCounts} with the hours of the stores that have an offline agent (`openingOf` read once a store, only for those). */
export async function agentStateCountsOpened(rows: readonly AgentRow[], now: number, openingOf: (store: string) => Promise<StoreOpening | null>): Promise<Record<(typeof AGENT_GAUGE_STATES)[number], number>> {
  const stores = [...new Set(rows.filter((r) => r.revokedAt === null && r.state === "offline").map((r) => r.store))];
  const openings = new Map(await Promise.all(stores.map(async (s) => [s, await openingOf(s).catch(() => null)] as const)));
  return agentStateCounts(rows, now, (s) => openings.get(s));
}

/** How many online agents (not revoked) have a clock flagged past `warnMs`: the gauge footfall_agents_clock_off. */
export function clockOffCount(rows: readonly AgentRow[], warnMs: number): number {
  return agentList(rows, { statuses: ["online"] }, warnMs).filter((e) => e.clockWarn).length;
}

/** `ms` as `2026-12-05 03:12` in `timeZone`. */
export function localMinute(ms: number, timeZone: string): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat("en-GB", { timeZone, year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", hourCycle: "h23" })
      .formatToParts(ms)
      .map((p) => [p.type, p.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}`;
}

/** The clock cell: "2 min ahead !" past the threshold, "in step", "-" not measured yet. */
export function clockText(e: Pick<AgentListEntry, "clockOffsetMs" | "clockWarn">): string {
  if (e.clockOffsetMs === null) return "-";
  return `${formatClockOffset(e.clockOffsetMs)}${e.clockWarn ? " !" : ""}`;
}

export interface TableOptions {
  now: number;
  /** The shell's time zone (the times are shown in it, and the header names it). */
  timeZone: string;
  warnMs: number;
}

/** What needs attention in words, the Agents view's ("silent, clock off"); "-" when nothing. */
export function problemsText(problems: readonly AgentProblem[]): string {
  return problems.length ? problems.map((p) => AGENT_PROBLEM_WORDS[p]).join(", ") : "-";
}

/** The entries as a table, with a legend under it when a clock is flagged or an online agent has gone silent. */
export function agentTable(entries: readonly AgentListEntry[], o: TableOptions): string {
  const at = (ms: number | null) => (ms === null ? "-" : localMinute(ms, o.timeZone));
  const rows = [
    ["STORE", "AGENT", "KIND", "STATUS", "NEEDS ATTENTION", `LAST SEEN (${o.timeZone})`, "CLOCK", `REVOKED (${o.timeZone})`],
    ...entries.map((e) => [
      e.store,
      e.agent,
      e.kind,
      e.status,
      problemsText(e.problems),
      e.lastSeenAt === null ? "never" : `${at(e.lastSeenAt)} (${formatAgo(e.lastSeenAt, o.now)})`,
      clockText(e),
      at(e.revokedAt),
    ]),
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const lines = rows.map((r) =>
    r
      .map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!)))
      .join("  ")
      .trimEnd(),
  );
  const notes: string[] = [];
  const flagged = entries.filter((e) => e.clockWarn).length;
  if (flagged)
    notes.push(
      `! clock off by more than ${Math.round(o.warnMs / 1000)} s (FOOTFALL_CLOCK_WARN_MS) on ${flagged === 1 ? "1 agent" : `${flagged} agents`}: its events' times are skewed (more than 5 min ahead, the server rejects them); check NTP on the agent's machine: timedatectl (NTP synchronized: yes), chronyc tracking`,
    );
  const silent = entries.filter((e) => e.problems.includes("silent")).length;
  if (silent)
    notes.push(
      `silent: ${silent === 1 ? "1 agent says" : `${silent} agents say`} online but the server has not heard from ${silent === 1 ? "it" : "them"} for 3 status intervals (over ${silentAfterMs(null) / 1000} s at the default status every ${DEFAULT_STATUS_EVERY_MS / 1000} s): is the agent's process running (a hung process, or one that died while the server was down)? If every agent is silent: is the server running and reaching the broker? (GET /api/v1/health)`,
    );
  // What agents refused themselves (a garbled serial line, a refused push: never seen by the server), as the Agents view says it.
  for (const e of entries)
    for (const [reason, n] of Object.entries(e.agentRejects ?? {})) {
      const w = agentRejectWords(reason, n);
      notes.push(`${e.store}/${e.agent}: ${w.text}. ${w.hint}`);
    }
  return [...lines, ...(notes.length ? ["", ...notes] : [])].join("\n") + "\n";
}

/** One JSON line per entry (times epoch ms). */
export function agentJsonLines(entries: readonly AgentListEntry[]): string {
  return entries.map((e) => `${JSON.stringify(e)}\n`).join("");
}

/** The stores asked for that have no agent at all (a typo among several, say), in the order asked. */
export function storesWithoutAgents(rows: readonly AgentRow[], stores: readonly string[]): string[] {
  const known = new Set(rows.map((r) => r.store));
  return [...new Set(stores)].filter((s) => !known.has(s));
}

/**
 * What an empty list says, and what to do: no agents at all, none in the stores asked for (naming the
 * stores that have some: a typo), or none with the statuses asked for (how many there are).
 */
export function emptyListMessage(rows: readonly AgentRow[], filter: AgentListFilter): string {
  const add = (store: string) => `footfall agent add <agent> --store ${store} --kind camera`;
  if (rows.length === 0) return `no agents yet: add one with \`${add("<store>")}\`, or a chain's from a file with \`footfall agent import <file>\``;
  const wanted = filter.stores?.length ? new Set(filter.stores) : null;
  const inStores = wanted ? rows.filter((r) => wanted.has(r.store)) : rows;
  if (inStores.length === 0) {
    const known = [...new Set(rows.map((r) => r.store))].sort(byId);
    const list = `${known.slice(0, 10).join(", ")}${known.length > 10 ? ` and ${known.length - 10} more` : ""}`;
    const names = filter.stores!.map((s) => `"${s}"`).join(", ");
    return `no agents in store ${names} (the stores with agents are ${list}): add one with \`${add(filter.stores![0]!)}\``;
  }
  const where = wanted ? ` of store ${filter.stores!.join(", ")}` : "";
  const n = inStores.length;
  return `none of the ${n === 1 ? "1 agent" : `${n} agents`}${where} is ${filter.statuses!.join(" or ")}`;
}
