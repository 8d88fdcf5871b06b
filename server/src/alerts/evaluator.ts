/**
 * The server's alert evaluator: every second (and soon after a store's live figures change), for
 * each store with enabled rules that this server evaluates (alone: all; in a chain: the stores it
 * ingests), it reads the figures, runs core's pure `alertStep`, stores the alerts it changed, then
 * publishes the notifications on the alert bus and marks the store changed (tablets on every server
 * get the alert through the live push; other servers through the cluster's notices).
 *
 * The state (each rule's active alert and last resolve) is rebuilt from storage the first time a
 * store is evaluated here (after a start, or when this server takes the store over), so an
 * acknowledgement and a cool-down survive a restart and a failover.
 */
import {
  acknowledgeAlert,
  alertStep,
  decodeClockSamples,
  readsCounted,
  hoursAt,
  isOpen,
  restoreAlertState,
  type Alert,
  type AlertFigures,
  type AlertNotification,
  type AlertRule,
  type AlertRulesState,
  type HoursVersion,
  type OpeningHours,
} from "@footfall/core";
import { lastHeardOf } from "../agent-info.js";
import type { Services } from "../services.js";
import { notCountedNow } from "./not-counted.js";

interface StoreState {
  rules: AlertRule[];
  state: AlertRulesState;
  /** The hours in force at the last evaluation (core hoursAt of `history`). */
  hours: OpeningHours | null;
  /** Every version of the hours as last read (migration 26; versions scheduled ahead included). */
  history: HoursVersion[];
  /** When rules and hours were read (they are read again after `rulesChanged` or a minute). */
  loadedAt: number;
  /** Per zone of a counter-silent rule: when a count or visit of it last happened, read incrementally (see `zoneCounts`). */
  zoneLast?: ZoneLast;
  /** Rules deleted since the last reading, as they were: the resolve of their alerts carries them (not a made-up rule). */
  removed?: Map<string, AlertRule>;
}

/** The zones' last counts as read so far: up to `readTo`, for the zones `key` lists, from `since`. */
interface ZoneLast {
  key: string;
  since: number;
  readTo: number;
  last: Map<string, number | null>;
}

/** How far back a zone's last count is read at first: the longest silence a rule waits for, plus an hour. */
const ZONE_LOOKBACK_EXTRA_MS = 3_600_000;
/** Later reads go back this far before the previous one (events that arrived late). */
const ZONE_LATE_MS = 5 * 60_000;

/** Queue figures, once a live queue service exists (issue 14.1): length and wait per queue zone. */
export type QueueFigures = (store: string, now: number) => Promise<AlertFigures["queues"] | undefined>;

export interface AlertEvaluatorOptions {
  /** Whether this server evaluates a store's rules (a chain's server: the stores it ingests). Default: all. */
  evaluatesHere?: (store: string) => boolean;
  /** A store's alerts changed (push them to tablets, tell the other servers). */
  onChanged?: (store: string) => void;
  queues?: QueueFigures;
  everyMs?: number;
  /** Rules and hours are read again at least this often (another server may have changed them). */
  reloadMs?: number;
}

/** An acknowledgement while the server stops: not stored, so that it is made again (and announced) after the restart. */
export class ServerStoppingError extends Error {
  constructor() {
    super("the server is stopping: acknowledge again in a moment, once it is back");
  }
}

export class AlertEvaluator {
  private readonly stores = new Map<string, StoreState>();
  private storeList: string[] = [];
  private storeListAt = -Infinity;
  private timer: ReturnType<typeof setInterval> | null = null;
  private readonly touched = new Set<string>();
  private soon: ReturnType<typeof setTimeout> | null = null;
  private running: Promise<void> | null = null;
  /** Evaluations of one store never overlap (a tick and an acknowledgement). */
  private readonly locks = new Map<string, Promise<unknown>>();
  /** Closing: acknowledgements are refused (their notifications would reach no webhook once it stops). */
  private closed = false;

  constructor(
    private readonly services: Services,
    private readonly o: AlertEvaluatorOptions = {},
  ) {}

  start(): void {
    this.timer = setInterval(() => {
      // A tick that fails (the list of stores with rules unread: PostgreSQL restarting) is tried again at the next one; its
      // rejection unhandled ended the process (Node's default) when an outage of PostgreSQL spanned the list's 10 s re-read.
      this.running ??= this.tick()
        .catch((err: Error) => this.failed(null, err))
        .finally(() => (this.running = null));
    }, this.o.everyMs ?? 1000);
    this.timer.unref();
  }

  /** Stop evaluating; resolves once the evaluations under way (the tick's, and those a commit started) have stored and announced what they changed. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    if (this.soon) clearTimeout(this.soon);
    this.soon = null;
    await this.running;
    await Promise.allSettled([...this.locks.values()]);
  }

  /**
   * Stores whose live figures just changed (a commit): those with rules are evaluated within ~50 ms
   * rather than at the next second, so a firing rule reaches a tablet quickly.
   */
  touch(stores: Iterable<string>): void {
    for (const s of stores) if (this.stores.has(s)) this.touched.add(s);
    if (this.touched.size === 0 || this.soon || !this.timer) return;
    this.soon = setTimeout(() => {
      this.soon = null;
      const list = [...this.touched];
      this.touched.clear();
      for (const store of list) if (this.here(store)) void this.evaluate(store).catch((err: Error) => this.failed(store, err));
    }, 50);
    this.soon.unref();
  }

  /** Rules or hours of a store changed (through the API here): read them at the next evaluation. */
  rulesChanged(store: string): void {
    const s = this.stores.get(store);
    if (s) s.loadedAt = -Infinity;
    this.storeListAt = -Infinity;
  }

  /** One evaluation of every store this server evaluates (the timer calls it; tests may too). */
  async tick(): Promise<void> {
    const now = this.services.now();
    const reloadMs = this.o.reloadMs ?? 60_000;
    if (now - this.storeListAt >= Math.min(reloadMs, 10_000)) {
      this.storeList = await this.services.storage.alerts.storesWithRules();
      this.storeListAt = now;
    }
    const listed = new Set(this.storeList);
    for (const store of [...this.stores.keys()]) {
      // Moved to another server: its state is that server's now (read again from storage if it comes back).
      if (!this.here(store)) this.stores.delete(store);
      // Its last enabled rule went: resolve what it had (evaluate skips unlisted stores' rules), then forget it.
      else if (!listed.has(store)) {
        await this.evaluate(store).catch((err: Error) => this.failed(store, err));
        this.stores.delete(store);
      }
    }
    for (const store of this.storeList) {
      if (!this.here(store)) continue;
      await this.evaluate(store).catch((err: Error) => this.failed(store, err));
    }
  }

  /**
   * Acknowledge an alert (staff on the tablet, or the API): stored at once (whichever server
   * evaluates the store), announced, and taken into this server's state.
   */
  async acknowledge(store: string, alertId: string, by: string): Promise<Alert | undefined> {
    if (this.closed) throw new ServerStoppingError();
    return this.locked(store, async () => {
      const now = this.services.now();
      const alert = await this.services.storage.alerts.acknowledge(store, alertId, by, now);
      if (!alert) return undefined;
      this.testKill([{ type: "alert.acknowledged" }]);
      const s = this.stores.get(store);
      const rule = s?.rules.find((r) => r.id === alert.ruleId) ?? (await this.services.storage.alerts.getRule(store, alert.ruleId));
      if (s) s.state = acknowledgeAlert(s.state, s.rules, alertId, by, now).state;
      if (rule) this.announce(store, [{ deliveryId: `${alert.id}:acknowledged`, type: "alert.acknowledged", at: now, alert, rule }]);
      else this.o.onChanged?.(store);
      return alert;
    });
  }

  /**
   * Test only: FOOTFALL_TEST_KILL_AFTER_ALERT=alert.firing (or .acknowledged, .resolved) kills this process with SIGKILL
   * right after such a change is stored, before it is announced: the crash the webhooks' reconciliation recovers from
   * (webhooks/alert-crash.integration.test.ts). Never set in production.
   */
  private testKill(notifications: readonly Pick<AlertNotification, "type">[]): void {
    const type = process.env.FOOTFALL_TEST_KILL_AFTER_ALERT;
    if (type && notifications.some((n) => n.type === type)) process.kill(process.pid, "SIGKILL");
  }

  private here(store: string): boolean {
    return this.o.evaluatesHere ? this.o.evaluatesHere(store) : true;
  }

  /** An evaluation failed (`store` null: the list of stores with rules could not be read); PostgreSQL not answering is said once per outage by its storage, not here every second. */
  private failed(store: string | null, err: Error): void {
    if (this.services.storage.connectionLost?.(err)) return;
    if (store === null) this.services.log.error({ err: err.message }, "could not read which stores have alert rules; trying again in a second");
    else this.services.log.error({ err: err.message, store }, "could not evaluate the store's alert rules; trying again in a second");
  }

  private locked<T>(store: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.locks.get(store) ?? Promise.resolve();
    const next = prev.then(fn, fn);
    const settled = next.catch(() => {});
    this.locks.set(store, settled);
    void settled.then(() => {
      if (this.locks.get(store) === settled) this.locks.delete(store);
    });
    return next;
  }

  private async load(store: string, now: number): Promise<StoreState> {
    const { storage } = this.services;
    let s = this.stores.get(store);
    if (!s) {
      s = { rules: [], state: restoreAlertState(await storage.alerts.forRestore(store)), hours: null, history: [], loadedAt: -Infinity };
      this.stores.set(store, s);
    }
    if (now - s.loadedAt >= (this.o.reloadMs ?? 60_000)) {
      const before = s.rules;
      s.rules = await storage.alerts.rules(store);
      for (const r of before) if (!s.rules.some((n) => n.id === r.id)) (s.removed ??= new Map()).set(r.id, r);
      s.history = await storage.hours.history(store);
      s.loadedAt = now;
    }
    // The hours in force now by the history read: hours scheduled ahead take over at their instant, with no read then.
    s.hours = s.history.length > 0 ? hoursAt(s.history, now) : null;
    return s;
  }

  private evaluate(store: string): Promise<void> {
    return this.locked(store, async () => {
      const now = this.services.now();
      const s = await this.load(store, now);
      const rules = this.storeList.includes(store) && this.here(store) ? s.rules : [];
      const figures = rules.some((r) => r.enabled) ? await this.figures(store, s, now) : {};
      const step = alertStep(s.state, rules, figures, now);
      if (step.changed.length > 0) await this.services.storage.alerts.saveAlerts(step.changed);
      this.testKill(step.notifications);
      s.state = step.state;
      // An alert resolved because its rule was deleted, or is no longer evaluated (the store's last enabled rule was disabled):
      // core's step knows no rule for it; its notification carries the rule as it was (deleted) or is (disabled).
      const notifications = step.notifications.map((n) => {
        if (rules.some((r) => r.id === n.rule.id)) return n;
        const rule = s.rules.find((r) => r.id === n.rule.id) ?? s.removed?.get(n.rule.id);
        return rule ? { ...n, rule } : n;
      });
      s.removed?.clear();
      if (notifications.length > 0) this.announce(store, notifications);
      else if (step.changed.length > 0) this.o.onChanged?.(store);
    });
  }

  private announce(store: string, notifications: AlertNotification[]): void {
    for (const n of notifications) {
      this.services.log.info({ store, alert: n.alert.id, type: n.type, value: n.alert.value }, n.alert.message);
      this.services.alerts.publish(n);
    }
    this.o.onChanged?.(store);
  }

  /**
   * Per zone of a counter-silent rule: when a door count or a visit (its enter) of it last happened
   * (event time; exits are not counts). Read incrementally: the first time from the longest silence a rule waits
   * for (threshold + duration) plus an hour back; then from 5 minutes before the previous read (late
   * events). A zone that has had counts once (storage's known zones) but none in the first read's
   * span counts as silent since its start (at least that long); a zone never counted stays unknown.
   */
  private async zoneCounts(store: string, s: StoreState, rules: readonly AlertRule[], now: number): Promise<Map<string, number | null>> {
    const { aggregates } = this.services.storage;
    const zones = [...new Set(rules.map((r) => r.zone!))].sort();
    const key = zones.join("\n");
    const longest = Math.max(...rules.map((r) => (r.threshold + r.forSeconds) * 1000));
    let z = s.zoneLast;
    if (!z || z.key !== key || now - longest < z.since) {
      const since = now - longest - ZONE_LOOKBACK_EXTRA_MS;
      const known = await aggregates.knownZones(store);
      const ever = new Set([...known.visits, ...known.doors]);
      z = { key, since, readTo: since, last: new Map(zones.map((id) => [id, ever.has(id) ? since : null])) };
      s.zoneLast = z;
    }
    const from = Math.max(z.since, z.readTo - ZONE_LATE_MS);
    const [visits, counts] = await Promise.all([aggregates.visitsInZones(store, zones, from, now + 1), aggregates.countsIn(store, from, now + 1)]);
    const seen = (zone: string, t: number) => {
      if (t > now || !z.last.has(zone)) return;
      const prev = z.last.get(zone);
      if (prev === null || prev === undefined || t > prev) z.last.set(zone, t);
    };
    for (const [zone, vs] of visits) {
      for (const v of vs) seen(zone, v.enterTs);
    }
    for (const c of counts) seen(c.zone, c.ts);
    z.readTo = now;
    return z.last;
  }

  /** The figures a store's rules need, read from the live services and storage. */
  private async figures(store: string, s: StoreState, now: number): Promise<AlertFigures> {
    const { layouts, analytics, storage } = this.services;
    const kinds = new Set(s.rules.filter((r) => r.enabled).map((r) => r.kind));
    await layouts.load(store);
    const layout = layouts.current(store, now);
    const out: AlertFigures = {};
    if (!layout) return out;
    out.open = s.hours ? isOpen(s.hours, now, layout.timezone) : true;
    out.zoneNames = Object.fromEntries(layout.zones.map((z) => [z.id, z.name]));
    // Figures nobody counts now (every agent of the zone down): rules on them hold (core alertStep), the queue's too (same rule).
    if ([...kinds].some(readsCounted)) out.notCounted = await notCountedNow(this.services, store, layout.zones.map((z) => z.id), now, layout.timezone);
    if (kinds.has("occupancy")) {
      const occ = await (await analytics.get(store)).occupancy(now, layout.timezone, layout.zones);
      const caps = occ.zones.map((z) => z.capacity).filter((c): c is number => typeof c === "number" && c > 0);
      out.store = { people: occ.total, capacity: caps.length > 0 ? caps.reduce((a, b) => a + b, 0) : null };
      out.zones = Object.fromEntries(occ.zones.map((z) => [z.zone, { people: z.occupancy, capacity: z.capacity ?? null }]));
    }
    if (kinds.has("agent-offline") || kinds.has("counter-silent")) {
      const agents = await storage.agents.list(store);
      // Heard from: its newest event or live status (the Agents API's lastHeardAt). An "offline" is the broker's will,
      // stored at the time the server learnt of it, not word from the agent: taken as heard, it made the rule's silence
      // start again, so "agent silent" resolved when the broker said the agent had gone (its time only when nothing else is).
      const seen = (a: (typeof agents)[number]) => {
        const heard = lastHeardOf(decodeClockSamples(a.clockSamples), a.lastReceivedAt);
        const t = a.state === "offline" ? (heard ?? a.statusTs ?? -Infinity) : Math.max(heard ?? -Infinity, a.statusTs ?? -Infinity);
        return Number.isFinite(t) ? t : null;
      };
      out.agents = Object.fromEntries(agents.filter((a) => a.revokedAt === null || a.revokedAt === undefined).map((a) => [a.agent, { lastSeen: seen(a) }]));
      // An agent last heard after the store closed (its box switched off at night) is not offline until it opens.
      if (s.hours) out.opening = { hours: s.hours, timeZone: layout.timezone };
      // The agents that report each zone an agent-offline rule names (storage: agent_zones, kept at ingest).
      const zoneAgentRules = s.rules.filter((r) => r.enabled && r.kind === "agent-offline" && r.zone !== undefined);
      for (const zone of new Set(zoneAgentRules.map((r) => r.zone!))) (out.zoneAgents ??= {})[zone] = (await storage.agents.zoneAgents(store, zone)).map((a) => a.agent);
      // Counts: the newest events received from the store's door counters (from any agent when it has none).
      const counters = agents.filter((a) => a.kind === "door");
      const received = (counters.length > 0 ? counters : agents).map((a) => a.lastReceivedAt).filter((t): t is number => t !== null);
      out.lastCount = { store: received.length > 0 ? Math.max(...received) : null };
      const zoneRules = s.rules.filter((r) => r.enabled && r.kind === "counter-silent" && r.zone !== undefined && layout.zones.some((z) => z.id === r.zone));
      if (zoneRules.length > 0) out.lastCount.zones = Object.fromEntries(await this.zoneCounts(store, s, zoneRules, now));
    }
    const forecast = this.services.forecast;
    if (kinds.has("forecast-arrivals") && forecast) {
      // The next hour's forecast arrivals (cached per hour by the forecast service): store-wide and per zone named by a rule.
      const rules = s.rules.filter((r) => r.enabled && r.kind === "forecast-arrivals");
      const fc: NonNullable<AlertFigures["forecast"]> = {};
      if (rules.some((r) => r.zone === undefined)) fc.store = await forecast.nextHour(store, null, layout.timezone);
      for (const zone of new Set(rules.flatMap((r) => (r.zone === undefined ? [] : [r.zone])))) {
        if (layout.zones.some((z) => z.id === zone)) (fc.zones ??= {})[zone] = await forecast.nextHour(store, zone, layout.timezone);
      }
      out.forecast = fc;
    }
    if (kinds.has("forecast-occupancy") && forecast) {
      // The highest forecast share of capacity in the next hours (arrivals convolved with the dwell distribution), store-wide and per zone named by a rule.
      const rules = s.rules.filter((r) => r.enabled && r.kind === "forecast-occupancy");
      const fo: NonNullable<AlertFigures["forecastOccupancy"]> = {};
      if (rules.some((r) => r.zone === undefined)) fo.store = await forecast.occupancyPeak(store, null, layout.timezone);
      for (const zone of new Set(rules.flatMap((r) => (r.zone === undefined ? [] : [r.zone])))) {
        if (layout.zones.some((z) => z.id === zone)) (fo.zones ??= {})[zone] = await forecast.occupancyPeak(store, zone, layout.timezone);
      }
      out.forecastOccupancy = fo;
    }
    if ((kinds.has("queue-length") || kinds.has("queue-wait")) && this.o.queues) {
      const q = await this.o.queues(store, now);
      if (q) out.queues = q;
    }
    return out;
  }
}
