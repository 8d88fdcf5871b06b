/**
 * How many of each store's agents need attention now, for the chain overview's agent cell: the count
 * of agents with a problem by core's agentProblems at `now`, exactly as agent-info's problemsOf gives
 * them, over the agents' stored rows.
 *
 * Decoding a row's status metrics and clock samples (agent-info's attentionOf) was most of the
 * overview's agent work at 1,000 stores, and they change only with the agent's status, not with its
 * events. So each agent's decoded attention is kept with the two texts it came from: while they are
 * the same, the parts read from them (backlog, clock reading, status interval, input, the last live
 * status heard) are taken from it and the rest (state, revocation, newest event, lag, last heard) from
 * attentionOf on the row as read now without them, which parses nothing. A new status decodes it again. The rows
 * themselves are read at every ask: another server of the chain or the ingest worker may have written
 * them, so nothing here hears of changes from the writers. What depends on time (silent) is judged at
 * each ask's `now`, never kept.
 */
import { agentProblems } from "@footfall/core";
import { attentionOf } from "../agent-info.js";
import type { AgentRow } from "../storage/types.js";

type Attention = ReturnType<typeof attentionOf>;

interface Kept {
  /** The row its status texts were decoded from. */
  row: AgentRow;
  /** attentionOf the row without its events' arrival (lastReceivedAt null). */
  attention: Attention;
  /** The newest of its clock samples' arrivals (its last heard without its events), null: none. */
  heardFromStatus: number | null;
}

const sameStatus = (a: AgentRow, b: AgentRow): boolean => (a.statusMetrics ?? null) === (b.statusMetrics ?? null) && (a.clockSamples ?? null) === (b.clockSamples ?? null);

/** `row`'s attention from what was decoded of the same status texts before: the costly parts kept, the rest worked out now. */
function withKeptStatus(row: AgentRow, kept: Kept): Attention {
  const rest = attentionOf({ ...row, statusMetrics: null, clockSamples: null });
  const d = kept.attention;
  const heard = [kept.heardFromStatus, rest.lastHeardAt].filter((t): t is number => t !== null);
  return {
    ...rest,
    backlog: d.backlog,
    clockOffsetMs: d.clockOffsetMs,
    clockMeasuredAt: d.clockMeasuredAt,
    statusEveryMs: d.statusEveryMs,
    input: d.input,
    lastHeardAt: heard.length ? Math.max(...heard) : null,
  };
}

export class AgentAttentionMemo {
  /** By store, then agent. */
  private kept = new Map<string, Map<string, Kept>>();
  /** Rows whose status texts were decoded by the last count (for tests and benchmarks). */
  decoded = 0;

  /**
   * For each store of `stores` with an agent needing attention, how many do (stores without any are
   * left out). `rows`: every agent's stored row as read now; the memo keeps only these agents after.
   */
  problemsByStore(rows: readonly AgentRow[], stores: ReadonlySet<string>, clockWarnMs: number, now: number): Map<string, number> {
    const next = new Map<string, Map<string, Kept>>();
    const out = new Map<string, number>();
    let decoded = 0;
    let store: string | null = null;
    let keptOfStore: Map<string, Kept> | undefined;
    let nextOfStore = new Map<string, Kept>();
    let asked = false;
    for (const row of rows) {
      if (row.store !== store) {
        store = row.store;
        keptOfStore = this.kept.get(store);
        nextOfStore = next.get(store) ?? new Map<string, Kept>();
        next.set(store, nextOfStore);
        asked = stores.has(store);
      }
      const kept = keptOfStore?.get(row.agent);
      if (!asked) {
        if (kept) nextOfStore.set(row.agent, kept); // its row is compared when its store is asked
        continue;
      }
      let attention: Attention;
      if (kept && sameStatus(kept.row, row)) {
        attention = withKeptStatus(row, kept);
        nextOfStore.set(row.agent, kept);
      } else {
        // Decoded without its events' arrival, so that its last heard is its status's alone; then with them.
        const fromStatus = attentionOf({ ...row, lastReceivedAt: null });
        const entry = { row, attention: fromStatus, heardFromStatus: fromStatus.lastHeardAt };
        attention = withKeptStatus(row, entry);
        nextOfStore.set(row.agent, entry);
        decoded++;
      }
      if (agentProblems(attention, clockWarnMs, now).length > 0) out.set(row.store, (out.get(row.store) ?? 0) + 1);
    }
    this.kept = next;
    this.decoded = decoded;
    return out;
  }
}
