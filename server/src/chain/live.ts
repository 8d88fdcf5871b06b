/**
 * Occupancy now and agent health of many stores at once, from storage (the chain overview). The
 * occupancy is the live view's store total (DESIGN rule 6): where a store has door counters, the
 * net of their counts since the store's local midnight, or its last closing when it has opening
 * hours (never below 0); otherwise the distinct visitors with an open visit not yet abandoned. One
 * statement per figure, and for door counts one per start (stores of one time zone and hours share it).
 */
import { DEFAULT_CLOCK_WARN_MS, localMidnight, type StoreOpening } from "@footfall/core";
import { AgentAttentionMemo } from "./agent-problems.js";
import { spansOf } from "../aggregates/spans.js";
import type { AgentRow, Storage } from "../storage/types.js";

export interface LiveFigures {
  /** People in the store now. */
  occupancy: number;
  /** Where it comes from: door counters' net count since local midnight, or people followed in zones. */
  occupancyFrom: "door" | "zones";
}

export type AgentHealth = "ok" | "degraded" | "offline" | "none";

export interface AgentFigures {
  agents: number;
  online: number;
  /** ok: every agent online; degraded: some are not; offline: none is; none: the store has no agent. */
  health: AgentHealth;
  lastEventTs: number | null;
  /** Agents needing attention (offline, never seen, silent, input stalled, refusing input, lagging, clock off, backlog): core's agentProblems, as GET /api/v1/agents?problems=1 counts them. */
  problems: number;
}

export async function chainOccupancy(
  storage: Storage,
  stores: readonly { id: string; timezone: string }[],
  now: number,
  visitTimeoutMs: number,
  /** Since when a store's door count makes its occupancy (the live view's: the last closing with opening hours); default its local midnight. */
  countSince: (store: string, timeZone: string, midnight: number) => number = (_s, _tz, midnight) => midnight,
): Promise<Map<string, LiveFigures>> {
  const ids = stores.map((s) => s.id);
  const doorStores = new Set(await storage.chain.doorStores(ids));
  const out = new Map<string, LiveFigures>();
  const zoneStores = ids.filter((id) => !doorStores.has(id));
  const byMidnight = new Map<number, string[]>();
  for (const s of stores) {
    if (!doorStores.has(s.id)) continue;
    const m = countSince(s.id, s.timezone, localMidnight(now, s.timezone));
    let l = byMidnight.get(m);
    if (!l) byMidnight.set(m, (l = []));
    l.push(s.id);
  }
  const [open] = await Promise.all([
    storage.chain.openVisitors(zoneStores, now - visitTimeoutMs + 1),
    ...[...byMidnight].map(async ([midnight, group]) => {
      // As the live view: door counts with ts in [start, now + 1), the start its local midnight or last closing.
      const spans = spansOf(midnight, now + 1);
      const net = new Map<string, number>();
      const add = (store: string, n: number) => net.set(store, (net.get(store) ?? 0) + n);
      const [whole, ...partials] = await Promise.all([storage.chain.doorTotals(group, spans), ...spans.partials.map(([a, b]) => storage.chain.countsIn(group, a, b))]);
      for (const d of whole) add(d.store, d.in - d.out);
      for (const p of partials) for (const c of p) add(c.store, c.in - c.out);
      for (const id of group) out.set(id, { occupancy: Math.max(0, net.get(id) ?? 0), occupancyFrom: "door" });
      return [];
    }),
  ]);
  for (const id of zoneStores) out.set(id, { occupancy: 0, occupancyFrom: "zones" });
  for (const o of open) out.set(o.store, { occupancy: o.n, occupancyFrom: "zones" });
  return out;
}

/** One memo of the agents' decoded rows per storage (a server's, or a test's). */
const memos = new WeakMap<Storage, AgentAttentionMemo>();
export function memoOf(storage: Storage): AgentAttentionMemo {
  let m = memos.get(storage);
  if (!m) memos.set(storage, (m = new AgentAttentionMemo()));
  return m;
}

/**
 * Each store's agents: how many, how many online, its health and newest event, and how many need
 * attention by the Agents view's rule (core's agentProblems at `now`, the server's clock; one pass over
 * the agents' rows, as GET /api/v1/agents reads them, a row decoded again only when it changed:
 * AgentAttentionMemo).
 */
export async function chainAgents(
  storage: Storage,
  ids: readonly string[],
  {
    now = Date.now(),
    clockWarnMs = DEFAULT_CLOCK_WARN_MS,
    everyAgent = () => storage.agents.listAll(),
    openingOf,
  }: {
    now?: number;
    clockWarnMs?: number;
    /** Reads every agent (the overview's read through the counting view, shared with its zones not counted). */
    everyAgent?: () => Promise<AgentRow[]>;
    /** A store's opening hours: an agent down since the store closed is no problem until it opens (core agentProblems). */
    openingOf?: (store: string) => StoreOpening | null | undefined;
  } = {},
): Promise<Map<string, AgentFigures>> {
  const out = new Map<string, AgentFigures>(ids.map((id) => [id, { agents: 0, online: 0, health: "none", lastEventTs: null, problems: 0 }]));
  const [figures, rows] = await Promise.all([storage.chain.agents(ids), everyAgent()]);
  const needing = memoOf(storage).problemsByStore(rows, new Set(ids), clockWarnMs, now, openingOf);
  for (const a of figures) {
    const health: AgentHealth = a.agents === 0 ? "none" : a.online === a.agents ? "ok" : a.online === 0 ? "offline" : "degraded";
    out.set(a.store, { agents: a.agents, online: a.online, health, lastEventTs: a.lastEventTs, problems: needing.get(a.store) ?? 0 });
  }
  return out;
}
