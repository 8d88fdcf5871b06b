import { readFileSync, renameSync, writeFileSync } from "node:fs";

/** Digits of the sequence number in an agent's event id (edge/src/ids.ts). */
const SEQ_DIGITS = 9;
/** Inclusive runs of consecutive sequence numbers. */
type Runs = Array<[from: number, to: number]>;

/** What a ledger file holds. */
export interface LedgerFile {
  format: "footfall-chain-ledger/1";
  savedAt: number;
  /** store -> agent -> boot id -> runs of sequence numbers sent. */
  stores: Record<string, Record<string, Record<string, Runs>>>;
  /** Per store, the ids the simulator still held unsettled when it stopped (sent or not; written at the end). */
  unsettled?: Record<string, string[]>;
}

/** One store's sent events against what the server stored. */
export interface LedgerAudit {
  store: string;
  /** Events the simulator queued for sending. */
  sent: number;
  /** Stored rows counted (copies included). */
  stored: number;
  /** Sent and never stored, though the simulator had them settled (or no list of unsettled ids was given): really lost. */
  lost: number;
  /** Sent, never stored, and unsettled when the simulator stopped (it never had a receipt or PUBACK for them): not counted as lost. */
  unsettled: number;
  /** Unsettled when the simulator stopped, yet stored (the receipt came too late or not at all). */
  unsettledStored: number;
  /** Copies beyond the first of an id stored more than once. */
  doubled: number;
  /** Stored ids the ledger never sent (another run, another agent). */
  foreign: number;
  /** Up to 20 of the lost ids, to look for. */
  lostIds: string[];
  /** Up to 20 of the unsettled ids never stored. */
  unsettledIds: string[];
}

function parseId(id: string): { agent: string; boot: string; seq: number } {
  const parts = id.split(":");
  const seq = Number(parts[2]);
  if (parts.length !== 3 || !parts[0] || !parts[1] || parts[2]!.length !== SEQ_DIGITS || !Number.isInteger(seq)) {
    throw new Error(`"${id}" is not an agent's event id (agent:boot:seq with a ${SEQ_DIGITS}-digit seq)`);
  }
  return { agent: parts[0], boot: parts[1], seq };
}
const formatId = (agent: string, boot: string, seq: number) => `${agent}:${boot}:${String(seq).padStart(SEQ_DIGITS, "0")}`;

/**
 * Every event id the chain simulator queued for sending, per store, kept as runs of consecutive
 * sequence numbers (an agent numbers its events one by one, so a run of hours is a few numbers, not
 * millions of ids). A fault test audits it against what the server stored: lost and doubled.
 */
export class Ledger {
  private readonly data = new Map<string, Map<string, Map<string, Runs>>>();
  private total = 0;
  /** Ids left unsettled when the simulator stopped, per store (see {@link LedgerFile.unsettled}). */
  unsettled = new Map<string, string[]>();

  /** Records one event id of `store` (an agent's own id: agent:boot:seq). */
  record(store: string, eventId: string): void {
    const { agent, boot, seq } = parseId(eventId);
    let agents = this.data.get(store);
    if (!agents) this.data.set(store, (agents = new Map()));
    let boots = agents.get(agent);
    if (!boots) agents.set(agent, (boots = new Map()));
    let runs = boots.get(boot);
    if (!runs) boots.set(boot, (runs = []));
    const last = runs[runs.length - 1];
    if (last && seq === last[1] + 1) last[1] = seq;
    else if (last && seq <= last[1]) {
      if (this.hasSeq(runs, seq)) return; // recorded already
      runs.push([seq, seq]);
      runs.sort((a, b) => a[0] - b[0]);
      mergeRuns(runs);
    } else runs.push([seq, seq]);
    this.total++;
  }

  private hasSeq(runs: Runs, seq: number): boolean {
    let lo = 0;
    let hi = runs.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const [from, to] = runs[mid]!;
      if (seq < from) hi = mid - 1;
      else if (seq > to) lo = mid + 1;
      else return true;
    }
    return false;
  }

  /** Whether `eventId` of `store` was sent. */
  has(store: string, eventId: string): boolean {
    let parsed;
    try {
      parsed = parseId(eventId);
    } catch {
      return false;
    }
    const runs = this.data.get(store)?.get(parsed.agent)?.get(parsed.boot);
    return runs !== undefined && this.hasSeq(runs, parsed.seq);
  }

  /** Events recorded, for one store or all. */
  count(store?: string): number {
    if (store === undefined) return this.total;
    let n = 0;
    for (const boots of this.data.get(store)?.values() ?? []) for (const runs of boots.values()) for (const [from, to] of runs) n += to - from + 1;
    return n;
  }

  /** Stores with at least one event recorded, sorted. */
  stores(): string[] {
    return [...this.data.keys()].sort();
  }

  /** Every id recorded for `store`, in order of agent, boot and sequence. */
  *ids(store: string): Generator<string> {
    const agents = this.data.get(store);
    if (!agents) return;
    for (const agent of [...agents.keys()].sort()) {
      const boots = agents.get(agent)!;
      for (const boot of [...boots.keys()].sort()) for (const [from, to] of boots.get(boot)!) for (let s = from; s <= to; s++) yield formatId(agent, boot, s);
    }
  }

  /**
   * What the server stored for `store` (every stored id, copies included) against what was sent.
   * With `unsettled` (the ids the simulator still held unsettled when it stopped: `ledger.unsettled.get(store)`),
   * an id sent and not stored counts as lost only when it is not among them: the simulator never
   * learned that an unsettled one arrived, so it may never have. Without it, every one counts as lost.
   */
  audit(store: string, storedIds: Iterable<string>, unsettled: Iterable<string> = []): LedgerAudit {
    const open = new Set(unsettled);
    const seen = new Map<string, number>();
    let stored = 0;
    for (const id of storedIds) {
      stored++;
      seen.set(id, (seen.get(id) ?? 0) + 1);
    }
    let doubled = 0;
    let foreign = 0;
    for (const [id, n] of seen) {
      if (!this.has(store, id)) foreign++;
      else doubled += n - 1;
    }
    let sent = 0;
    let lost = 0;
    let unsettledMissing = 0;
    let unsettledStored = 0;
    const lostIds: string[] = [];
    const unsettledIds: string[] = [];
    for (const id of this.ids(store)) {
      sent++;
      if (seen.has(id)) {
        if (open.has(id)) unsettledStored++;
      } else if (open.has(id)) {
        unsettledMissing++;
        if (unsettledIds.length < 20) unsettledIds.push(id);
      } else {
        lost++;
        if (lostIds.length < 20) lostIds.push(id);
      }
    }
    return { store, sent, stored, lost, unsettled: unsettledMissing, unsettledStored, doubled, foreign, lostIds, unsettledIds };
  }

  toJSON(now = Date.now()): LedgerFile {
    const stores: LedgerFile["stores"] = {};
    for (const [store, agents] of this.data) {
      stores[store] = {};
      for (const [agent, boots] of agents)
        stores[store][agent] = Object.fromEntries([...boots].map(([boot, runs]) => [boot, runs.map(([a, b]) => [a, b] as [number, number])]));
    }
    return { format: "footfall-chain-ledger/1", savedAt: now, stores, ...(this.unsettled.size ? { unsettled: Object.fromEntries(this.unsettled) } : {}) };
  }

  static fromJSON(json: unknown): Ledger {
    const file = json as Partial<LedgerFile> | null;
    if (!file || file.format !== "footfall-chain-ledger/1" || typeof file.stores !== "object" || file.stores === null) {
      throw new Error('not a chain simulator ledger (expected {"format":"footfall-chain-ledger/1", "stores": {...}})');
    }
    const ledger = new Ledger();
    for (const [store, agents] of Object.entries(file.stores)) {
      for (const [agent, boots] of Object.entries(agents)) {
        for (const [boot, runs] of Object.entries(boots)) {
          for (const [from, to] of runs) for (let s = from; s <= to; s++) ledger.record(store, formatId(agent, boot, s));
        }
      }
    }
    for (const [store, ids] of Object.entries(file.unsettled ?? {})) if (Array.isArray(ids)) ledger.unsettled.set(store, ids.map(String));
    return ledger;
  }

  /** Writes the ledger to `path` whole or not at all (a temporary file renamed over it). */
  save(path: string): void {
    const tmp = `${path}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(this.toJSON()));
    renameSync(tmp, path);
  }

  static load(path: string): Ledger {
    return Ledger.fromJSON(JSON.parse(readFileSync(path, "utf8")));
  }
}

/** Merges overlapping or adjacent runs of a sorted list in place. */
function mergeRuns(runs: Runs): void {
  let w = 0;
  for (let r = 1; r < runs.length; r++) {
    const cur = runs[w]!;
    const next = runs[r]!;
    if (next[0] <= cur[1] + 1) cur[1] = Math.max(cur[1], next[1]);
    else runs[++w] = next;
  }
  runs.length = w + 1;
}
