/**
 * Which zones of a store nobody counts now, for the readers that ask it many times a second: the
 * live hub (each push, up to 10 a second per watched store), the MQTT state publisher (each
 * publish), the alert evaluator (each evaluation, and each alert shown) and GET .../occupancy.
 * Each used to read the store's agents (and, with one down, every zone's agents) afresh; this keeps
 * one short-lived view per store of what {@link zonesNotCounted} reads, and works the answer out
 * from it at each ask's `now` (core's notCountedSince), so time alone (an agent falling silent) is
 * never cached.
 *
 * A view is dropped, so the next ask reads storage again:
 * - at once when this process writes an agent of the store (a status, a will, an agent added,
 *   revoked or forgotten: {@link CountingView.watch} wraps those writes of the storage's agents);
 * - at a commit of the store's events while an agent of its view is down (the zones' agents and
 *   when each was last heard are what tell since when a zone is not counted, or that an agent up
 *   now names it);
 * - when another server of a chain says the store changed (server.ts: its shard's holder announces
 *   an agent's change of state on the cluster bus);
 * - when an agent the view holds as up would be down by its rows at the ask's time (silent: unheard
 *   for 3 status intervals): its rows are read again, since an event or a status may have been
 *   heard meanwhile;
 * - {@link VIEW_TTL_MS} after it was read, for writes no notice tells of (`footfall agent revoke`
 *   in another process, another server's status without a notice): as soon as the live hub's
 *   sweep (each second) would have seen them.
 */
import { anyAgentDown, type NotCounted, type TrackingAgent } from "@footfall/core";
import type { AgentRow, AgentsStore, Storage, ZoneAgentRow } from "../storage/types.js";
import { trackingOf, zonesNotCountedOf } from "./zone-tracking.js";

/** How long a view of a store's agents is served at most (ms): writes this process does not see are read within this. */
export const VIEW_TTL_MS = 1000;

interface View {
  gen: number;
  readAt: number;
  agents: TrackingAgent[];
  /** The agents down when read (ids, in order): served while the rows say the same at the ask's time. */
  down: string;
  /** Each zone's agents, read when first asked while an agent is down. */
  zoneAgents: Map<string, Promise<ZoneAgentRow[]>>;
}

const downOf = (agents: readonly TrackingAgent[], now: number): string =>
  agents
    .filter((a) => anyAgentDown([a], now))
    .map((a) => a.agent)
    .join("\n");

export class CountingView {
  private readonly views = new Map<string, View>();
  private readonly gens = new Map<string, number>();
  private readonly filling = new Map<string, { gen: number; view: Promise<View> }>();
  /** Storage reads made (agents.list, agents.listAll, agents.zoneAgents): the benchmark and the tests count them. */
  readonly reads = { list: 0, listAll: 0, zoneAgents: 0 };

  constructor(
    private readonly storage: Pick<Storage, "agents">,
    private readonly ttlMs = VIEW_TTL_MS,
  ) {}

  /** The zones of `zones` nothing counts now, by id, as {@link zonesNotCounted} answers it. */
  async zonesNotCounted(store: string, zones: readonly string[], now: number): Promise<Map<string, NotCounted>> {
    if (zones.length === 0) return new Map();
    const view = await this.view(store, now);
    return zonesNotCountedOf(view.agents, (zone) => this.namers(store, view, zone), zones, now);
  }

  /**
   * {@link zonesNotCounted} of many stores at once (the chain overview): the stores whose view is held are answered
   * from it; when more than one is not, one read of every agent (agents.listAll) gives them all their view, instead
   * of a read per store.
   */
  async zonesNotCountedOfStores(stores: readonly { id: string; zones: readonly string[] }[], now: number): Promise<Map<string, Map<string, NotCounted>>> {
    const missing = stores.filter((s) => s.zones.length > 0 && !this.held(s.id, now)).map((s) => s.id);
    if (missing.length > 1) await this.readAll(missing, now);
    const out = new Map<string, Map<string, NotCounted>>();
    await Promise.all(stores.map(async (s) => out.set(s.id, await this.zonesNotCounted(s.id, s.zones, now))));
    return out;
  }

  /** Drop the store's view: its agents changed. */
  changed(stores: Iterable<string>): void {
    for (const store of stores) {
      this.gens.set(store, (this.gens.get(store) ?? 0) + 1);
      this.views.delete(store);
      this.filling.delete(store);
    }
  }

  /** The stores' events were committed: a view holding an agent down is dropped (the zones' agents and their last arrivals changed). */
  committed(stores: Iterable<string>): void {
    for (const store of stores) {
      const v = this.views.get(store);
      if (v && v.down !== "") this.changed([store]);
    }
  }

  /**
   * Have every write of `agents` that changes what a view holds drop the store's view once it is stored: a status
   * (or a will), an agent added, revoked or forgotten. `agents` is the storage's own object, changed in place.
   */
  watch(agents: AgentsStore): void {
    const { add, recordStatus, revoke, forgetUnusedStore, recordIngest, recordIngestMany } = agents;
    const after = async <T>(stores: () => Iterable<string>, write: Promise<T>): Promise<T> => {
      try {
        return await write;
      } finally {
        this.changed(stores());
      }
    };
    agents.add = (store, ...rest) => after(() => [store], add(store, ...rest));
    agents.recordStatus = (store, ...rest) => after(() => [store], recordStatus(store, ...rest));
    agents.revoke = (store, ...rest) => after(() => [store], revoke(store, ...rest));
    agents.forgetUnusedStore = (store) => after(() => [store], forgetUnusedStore(store));
    // Tallies outside the ingest's transaction (the ingest's commits come through `committed`).
    agents.recordIngest = async (store, ...rest) => {
      await recordIngest(store, ...rest);
      this.committed([store]);
    };
    agents.recordIngestMany = async (tallies) => {
      await recordIngestMany(tallies);
      this.committed(tallies.map((t) => t.store));
    };
  }

  /** The store's view, when one is held that may answer at `now`. */
  private heldView(store: string, now: number): View | undefined {
    const v = this.views.get(store);
    if (v && v.gen === (this.gens.get(store) ?? 0) && now >= v.readAt && now - v.readAt < this.ttlMs && downOf(v.agents, now) === v.down) return v;
    return undefined;
  }

  private held(store: string, now: number): boolean {
    return this.heldView(store, now) !== undefined;
  }

  /**
   * Every agent of every store (agents.listAll), giving each of `stores` whose view is not held one from these rows:
   * the chain overview reads every agent for its agents' figures, and answers which zones nobody counts from the
   * same read ({@link zonesNotCountedOfStores} then finds their views held).
   */
  listAll(stores: readonly string[], now: number): Promise<AgentRow[]> {
    return this.readAll(
      stores.filter((s) => !this.held(s, now)),
      now,
    );
  }

  /** Views of `stores` from one read of every agent; a store whose agents changed while it was read gets none (its next ask reads it). */
  private async readAll(stores: readonly string[], now: number): Promise<AgentRow[]> {
    const gens = new Map(stores.map((s) => [s, this.gens.get(s) ?? 0]));
    this.reads.listAll++;
    const rows = await this.storage.agents.listAll();
    const byStore = new Map<string, TrackingAgent[]>();
    for (const a of rows) if (gens.has(a.store)) (byStore.get(a.store) ?? byStore.set(a.store, []).get(a.store)!).push(trackingOf(a));
    for (const [store, gen] of gens) {
      if ((this.gens.get(store) ?? 0) !== gen) continue;
      const agents = byStore.get(store) ?? [];
      this.views.set(store, { gen, readAt: now, agents, down: downOf(agents, now), zoneAgents: new Map() });
    }
    return rows;
  }

  private async view(store: string, now: number): Promise<View> {
    const gen = this.gens.get(store) ?? 0;
    const v = this.heldView(store, now);
    if (v) return v;
    const f = this.filling.get(store);
    if (f && f.gen === gen) return f.view;
    const view = this.read(store, gen, now);
    this.filling.set(store, { gen, view });
    try {
      const read = await view;
      // Kept only when nothing changed the store's agents while it was read.
      if ((this.gens.get(store) ?? 0) === gen) this.views.set(store, read);
      return read;
    } finally {
      if (this.filling.get(store)?.view === view) this.filling.delete(store);
    }
  }

  private async read(store: string, gen: number, now: number): Promise<View> {
    this.reads.list++;
    const agents = (await this.storage.agents.list(store)).map(trackingOf);
    return { gen, readAt: now, agents, down: downOf(agents, now), zoneAgents: new Map() };
  }

  private namers(store: string, view: View, zone: string): Promise<ZoneAgentRow[]> {
    let named = view.zoneAgents.get(zone);
    if (!named) {
      this.reads.zoneAgents++;
      named = this.storage.agents.zoneAgents(store, zone);
      view.zoneAgents.set(zone, named);
      // A failed read is not kept: the next ask tries again.
      named.catch(() => view.zoneAgents.delete(zone));
    }
    return named;
  }
}
