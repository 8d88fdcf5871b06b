/**
 * How many of each store's agents need attention now, for the chain overview's agent cell: the count
 * of agents with a problem by core's agentProblems at `now`, exactly as agent-info's problemsOf gives
 * them, over the agents' stored rows.
 *
 * Decoding a row's status metrics and clock samples (agent-info's statusPartOf) was most of the
 * overview's agent work at 1,000 stores, and they change only with the agent's status, not with its
 * events. So each agent's status part is kept with the two texts it came from: while they are the
 * same, attentionOf works on the row as read now with that part, which parses nothing. A new status
 * decodes it again. The rows themselves are read at every ask: another server of the chain or the
 * ingest worker may have written them, so nothing here hears of changes from the writers. What
 * depends on time (silent) is judged at each ask's `now`, never kept.
 */
import { agentProblems, type StoreOpening } from "@footfall/core";
import { attentionOf, statusPartOf, type StatusPart } from "../agent-info.js";
import type { AgentRow } from "../storage/types.js";

interface Kept {
  /** The two status texts of the row it was decoded from. */
  statusMetrics: string | null;
  clockSamples: string | null;
  /** statusPartOf them. */
  status: StatusPart;
}

const sameStatus = (kept: Kept, row: AgentRow): boolean => kept.statusMetrics === (row.statusMetrics ?? null) && kept.clockSamples === (row.clockSamples ?? null);

export class AgentAttentionMemo {
  /** By store, then agent. */
  private kept = new Map<string, Map<string, Kept>>();
  /** Rows whose status texts were decoded by the last count (for tests and benchmarks). */
  decoded = 0;

  /**
   * For each store of `stores` with an agent needing attention, how many do (stores without any are
   * left out). `rows`: every agent's stored row as read now; the memo keeps only these agents after. `openingOf`: a
   * store's opening hours (an agent down since the store closed is no problem until it opens, core agentProblems).
   */
  problemsByStore(rows: readonly AgentRow[], stores: ReadonlySet<string>, clockWarnMs: number, now: number, openingOf?: (store: string) => StoreOpening | null | undefined): Map<string, number> {
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
      let entry = kept;
      if (!entry || !sameStatus(entry, row)) {
        entry = { statusMetrics: row.statusMetrics ?? null, clockSamples: row.clockSamples ?? null, status: statusPartOf(row) };
        decoded++;
      }
      nextOfStore.set(row.agent, entry);
      const attention = attentionOf(row, entry.status);
      if (agentProblems(attention, clockWarnMs, now, openingOf?.(row.store)).length > 0) out.set(row.store, (out.get(row.store) ?? 0) + 1);
    }
    this.kept = next;
    this.decoded = decoded;
    return out;
  }
}
