import { shownName } from "../protocol/names.js";
import type { StoreOpening } from "../domain/agent-attention.js";
import { quietFrom } from "./hours.js";
import { readsCounted, type Alert, type AlertNotification, type AlertNotificationType, type AlertRule } from "./types.js";

/**
 * Alert rule evaluation as a pure step: (state, rules, figures, now) -> (state, notifications).
 *
 * A rule's condition holds when its figure is known and above its threshold. An alert fires once
 * the condition has held for `forSeconds` without a break (a step where it does not hold, or the
 * figure is unknown, restarts the wait), and not before `cooldownSeconds` after the rule's previous
 * alert resolved. It stays firing (or acknowledged) while the condition holds and resolves at the
 * first step where it does not. A disabled or deleted rule resolves its alert.
 *
 * A figure nobody counts now (`figures.notCounted`: the zone's agents, or for the store a zone its
 * total holds, are all offline, silent or revoked; core's notCountedSince) is frozen at the moment
 * counting stopped: a rule on it opens no alert (a wait in progress starts again), and its open alert
 * is held as it is, neither resolved as if the zone had emptied nor made worse, until the figure is
 * counted again ({@link ruleNotCountedSince}; the server shows "not counted now since" beside it).
 *
 * What must survive a restart is the rules' alerts (active ones with their acknowledgement, and the
 * last resolve for the cool-down): the server stores every alert it changes and rebuilds the state
 * with {@link restoreAlertState}. A wait in progress (the condition held, not yet long enough) starts
 * again after a restart: an alert then fires later, never earlier.
 */

/** The live figures a store's rules are evaluated against; a missing figure means "unknown". */
export interface AlertFigures {
  /** People in the store (its live total) and its capacity (sum of the zones', or the layout's). */
  store?: { people: number; capacity: number | null };
  /** Per zone: people and capacity (null: none set). */
  zones?: Record<string, { people: number; capacity: number | null }>;
  /** Per queue zone: people waiting and the estimated wait for someone joining now (seconds). */
  queues?: Record<string, { length: number; waitSeconds: number | null }>;
  /** Per agent: when it was last heard from (epoch ms; status or event), null when never. */
  agents?: Record<string, { lastSeen: number | null }>;
  /** Per zone: the agents whose events named it (agent-offline rules with a `zone`). */
  zoneAgents?: Record<string, readonly string[]>;
  /** Whether the store is open now (opening hours; true when it has none). */
  open?: boolean;
  /**
   * (agent-offline) The store's opening hours in its time zone; absent: none. An agent last heard after the store
   * closed (an edge box switched off at night) is not offline until the store has been open for the rule's threshold
   * ({@link notMissedYet}).
   */
  opening?: StoreOpening;
  /** When a count (door counter or zone event) last arrived, store-wide and per zone; null: never. */
  lastCount?: { store: number | null; zones?: Record<string, number | null> };
  /** The forecast of the next local hour, store-wide and per zone: its local start ("14:00") and expected arrivals; null: no forecast. */
  forecast?: { store?: ForecastFigure | null; zones?: Record<string, ForecastFigure | null> };
  /**
   * The highest forecast occupancy share (people over capacity) in the next hours, store-wide and
   * per zone: the local start of its hour and the share (`expected`); null: no forecast or no capacity.
   */
  forecastOccupancy?: { store?: ForecastFigure | null; zones?: Record<string, ForecastFigure | null> };
  /** The zones' names in the store's layout (by id), for the messages: staff read "Bakery", not "bakery". */
  zoneNames?: Record<string, string>;
  /**
   * Figures nobody counts now, with since when (epoch ms): per zone (its occupancy and, for a queue
   * zone, its queue), and `store` while the store total holds such a zone (it is partial).
   */
  notCounted?: { store?: number; zones?: Record<string, number> };
}

/** The next hour's forecast arrivals (forecast-arrivals rules). */
export interface ForecastFigure {
  /** Local start of the hour, "HH:MM". */
  at: string;
  expected: number;
}

const forecastOf = (rule: AlertRule, f: AlertFigures | undefined): ForecastFigure | null => {
  const of = rule.kind === "forecast-occupancy" ? f?.forecastOccupancy : f?.forecast;
  return (rule.zone === undefined ? of?.store : of?.zones?.[rule.zone]) ?? null;
};

/** What one rule remembers. */
export interface RuleState {
  /** Since when the condition has held without a break (no alert active), or null. */
  pendingSince: number | null;
  /** The rule's alert while firing or acknowledged. */
  active: Alert | null;
  /** When the rule's last alert resolved (for the cool-down), or null. */
  lastResolvedAt: number | null;
  /**
   * While its open alert is held on figures nobody counts (and `alert.not-counted` went out): since when they are not
   * counted. Not stored: after a restart a hold still going is announced again under the same delivery id.
   */
  heldSince?: number;
}

/** Per rule id. */
export type AlertRulesState = Readonly<Record<string, RuleState>>;

export interface AlertStep {
  state: AlertRulesState;
  notifications: AlertNotification[];
  /** Alerts created or changed by the step (to store): active ones and those just resolved. */
  changed: Alert[];
}

const EMPTY: RuleState = { pendingSince: null, active: null, lastResolvedAt: null };

/**
 * (agent-offline) Since when an agent last heard at `lastSeen` is missed at `now`, its store's hours `opening`, the
 * rule's threshold `graceMs`: from `lastSeen` when the store stayed open for `graceMs` after it, from the store's first
 * opening after it closed when it closed before (an edge box switched off at night, or within the threshold before the
 * closing, is missed from the opening), null while the store has stayed closed since (core {@link quietFrom}).
 */
export function missedSince(lastSeen: number, now: number, opening: StoreOpening, graceMs = 0): number | null {
  return opening.hours ? quietFrom(opening.hours, lastSeen, now, opening.timeZone, graceMs) : Math.min(lastSeen, now);
}

/**
 * (agent-offline) Whether an agent last heard at `lastSeen` is left out of the rule at `now`: last heard while its
 * store was closed (an edge box switched off at night) or within `graceMs` before it closed (switched off at 20:59 for
 * a 21:00 closing), and the store closed since or open for no more than `graceMs` (the rule's threshold: the box takes
 * a minute or two to boot and connect at the opening). An agent last heard while open with the store open for the
 * threshold after is never left out.
 */
export function notMissedYet(lastSeen: number, now: number, opening: StoreOpening, graceMs: number): boolean {
  const since = missedSince(lastSeen, now, opening, graceMs);
  return since === null || (since > lastSeen && now - since <= graceMs);
}

/** The figure a rule compares with its threshold at `now`, or null when unknown. */
export function ruleValue(rule: AlertRule, f: AlertFigures, now: number): number | null {
  switch (rule.kind) {
    case "occupancy": {
      const x = rule.zone === undefined ? f.store : f.zones?.[rule.zone];
      if (!x || x.capacity === null || !(x.capacity > 0)) return null;
      return x.people / x.capacity;
    }
    case "queue-length": {
      const q = rule.zone === undefined ? undefined : f.queues?.[rule.zone];
      return q ? q.length : null;
    }
    case "queue-wait": {
      const q = rule.zone === undefined ? undefined : f.queues?.[rule.zone];
      return q?.waitSeconds ?? null;
    }
    case "agent-offline": {
      if (!f.agents) return null;
      // One agent, the agents that report the zone, or all of the store's.
      const ids = rule.agent !== undefined ? [rule.agent] : rule.zone !== undefined ? (f.zoneAgents?.[rule.zone] ?? []) : Object.keys(f.agents);
      const all = ids.flatMap((id) => (f.agents![id] ? [f.agents![id]!] : []));
      if (all.length === 0) return null;
      // An agent last heard while the store was closed (its box off at night) is not missing until the store has been
      // open for the rule's threshold (0 when none is): its box's boot at the opening pages nobody. After, it is as one
      // gone at the opening, its message saying its whole silence.
      const { opening } = f;
      const seen = opening?.hours ? all.filter((a) => a.lastSeen === null || !notMissedYet(a.lastSeen, now, opening, rule.threshold * 1000)) : all;
      if (seen.length === 0) return 0;
      // The longest silence among the agents watched; never seen counts as unknown.
      const ages = seen.filter((a) => a.lastSeen !== null).map((a) => (now - a.lastSeen!) / 1000);
      return ages.length > 0 ? Math.max(...ages) : null;
    }
    case "counter-silent": {
      if (f.open !== true || !f.lastCount) return null;
      const last = rule.zone === undefined ? f.lastCount.store : f.lastCount.zones?.[rule.zone];
      return last === null || last === undefined ? null : (now - last) / 1000;
    }
    case "forecast-arrivals":
    case "forecast-occupancy":
      return forecastOf(rule, f)?.expected ?? null;
  }
}

/**
 * Since when nobody counts the figure a rule reads (occupancy of its zone or the store, a queue's
 * length or wait: the kinds READS_COUNTED marks), or null while it is counted and for kinds
 * that read no such figure.
 */
export function ruleNotCountedSince(rule: Pick<AlertRule, "kind" | "zone">, f: AlertFigures): number | null {
  if (!readsCounted(rule.kind)) return null;
  // No zone: the store's figure (occupancy; a queue rule always names its zone), partial while a zone its total holds is not counted.
  if (rule.zone === undefined) return f.notCounted?.store ?? null;
  return f.notCounted?.zones?.[rule.zone] ?? null;
}

const round = (x: number, decimals: number) => Math.round(x * 10 ** decimals) / 10 ** decimals;
/** A threshold share in percent with the decimals it has (up to 2): `80 %`, `80.5 %`. */
const thresholdPct = (t: number): number => [0, 1, 2].map((d) => round(t * 100, d)).find((p) => Math.abs(p - t * 100) < 1e-9) ?? round(t * 100, 2);
/**
 * A share above `threshold` in percent, whole unless that would read as the threshold or below it:
 * 201 people of 200 above 100 % is `100.5 %`, not `100 % (above 100 %)`; as many decimals as that takes.
 */
const pctAbove = (x: number, threshold: number): string => {
  const limit = thresholdPct(threshold);
  return `${[0, 1, 2, 3, 4, 5, 6].map((d) => round(x * 100, d)).find((p) => p > limit) ?? round(x * 100, 6)} %`;
};
const pct = (t: number) => `${thresholdPct(t)} %`;
/**
 * A count above `threshold`, whole unless that would read as the threshold or below it: 100.4
 * forecast arrivals over 100 is `100.4`, not `100 (above 100)`; as many decimals as that takes.
 */
const countAbove = (x: number, threshold: number): number => [0, 1, 2, 3, 4, 5, 6].map((d) => round(x, d)).find((n) => n > threshold) ?? round(x, 6);

/**
 * A time in seconds as the alerts say it, whole seconds: "20 s", "1 min 30 s", "5 min" (the Alerts view's threshold
 * words, model/alert-rules thresholdText), from an hour in hours and minutes (to the nearest): "10 h 56 min", "2 h". A silence
 * of 20 s read "0 min" when every time was rounded to minutes.
 */
export function durationWords(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s >= 3600) {
    const m = Math.round(s / 60);
    const h = Math.floor(m / 60);
    return m % 60 > 0 ? `${h} h ${m % 60} min` : `${h} h`;
  }
  const min = Math.floor(s / 60);
  const sec = s - min * 60;
  return min === 0 ? `${sec} s` : sec === 0 ? `${min} min` : `${min} min ${sec} s`;
}

/** The seconds {@link durationWords} says for `seconds`: whole seconds under an hour, whole minutes from one. */
const shownSeconds = (seconds: number): number => {
  const s = Math.max(0, Math.round(seconds));
  return s >= 3600 ? Math.round(s / 60) * 60 : s;
};

/**
 * A time above `threshold` in {@link durationWords}, reading above the threshold's words: a queue wait of 30.4 s over
 * 30 s is "31 s (above 30 s)", not "30 s (above 30 s)" (as countAbove for people). Its words are at most one step off
 * the time (a second under an hour, a minute from one); a time not above the threshold reads as it is.
 */
export function durationAbove(seconds: number, threshold: number): string {
  const t = shownSeconds(threshold);
  if (seconds <= threshold || shownSeconds(seconds) > t) return durationWords(seconds);
  return durationWords(t >= 3600 ? t + 60 : t + 1);
}

/**
 * (agent-offline) The agent an alert of `rule` is about: the rule's own, else the one silent longest among those it
 * watches (the zone's agents, or the store's), null when the figures do not say.
 */
export function silentAgentOf(rule: Pick<AlertRule, "agent" | "zone">, f: AlertFigures | undefined): string | null {
  if (rule.agent !== undefined) return rule.agent;
  const agents = f?.agents;
  if (!agents) return null;
  const ids = rule.zone !== undefined ? (f.zoneAgents?.[rule.zone] ?? []) : Object.keys(agents);
  let best: { id: string; lastSeen: number } | null = null;
  for (const id of ids) {
    const lastSeen = agents[id]?.lastSeen;
    if (typeof lastSeen === "number" && (best === null || lastSeen < best.lastSeen)) best = { id, lastSeen };
  }
  return best?.id ?? null;
}

/**
 * The default text of an alert, e.g. "Bakery at 95 % of capacity (above 80 %)" (`figures`: for the
 * forecast hour, and the zone's name in the layout; its id when the layout does not name it).
 */
export function alertMessage(rule: AlertRule, value: number, figures?: AlertFigures): string {
  // A rule or zone named before the name rule reaches webhooks, MQTT and the alert history written out.
  const where = shownName(rule.name?.trim() || (rule.zone ? figures?.zoneNames?.[rule.zone]?.trim() || rule.zone : "Store"));
  switch (rule.kind) {
    case "occupancy":
      return `${where} at ${pctAbove(value, rule.threshold)} of capacity (above ${pct(rule.threshold)})`;
    case "queue-length":
      return `${where}: ${Math.round(value)} waiting (above ${rule.threshold}); open another till`;
    case "queue-wait":
      // In the Alerts view's words: "wait 45 s (above 30 s)", not "wait 1 min (above 0 min)" for a sub-minute rule.
      return `${where}: wait ${durationAbove(value, rule.threshold)} (above ${durationWords(rule.threshold)}); open another till`;
    case "agent-offline": {
      // Its agent by name: "sim-1 silent for 20 s" (the tablet adds "· since 00:33 CET"), not "Store: agent silent for 0 min";
      // a rule on a zone's agents (or named) says where first: "Fruit: cam-2 silent for 11 min".
      const agent = silentAgentOf(rule, figures);
      if (agent === null) return `${where}: an agent silent for ${durationWords(value)}`;
      const at = rule.agent === undefined && (rule.zone !== undefined || rule.name?.trim()) ? `${where}: ` : "";
      return `${at}${shownName(agent)} silent for ${durationWords(value)}`;
    }
    case "counter-silent":
      return `${where}: no counts for ${durationWords(value)} while open`;
    case "forecast-arrivals": {
      const at = forecastOf(rule, figures)?.at;
      return `${where}: busy ${at ? `from ${at}` : "next hour"}, expected ${countAbove(value, rule.threshold)} arrivals (above ${rule.threshold})`;
    }
    case "forecast-occupancy": {
      const at = forecastOf(rule, figures)?.at;
      const share = pctAbove(value, rule.threshold);
      return `${where}: expected ${value > 1 ? "over capacity" : `at ${share} of capacity`} ${at ? `at ${at}` : "soon"} (${share}, above ${pct(rule.threshold)})`;
    }
  }
}

const notify = (type: AlertNotificationType, alert: Alert, rule: AlertRule, at: number): AlertNotification => ({
  deliveryId: `${alert.id}:${type.slice("alert.".length)}`,
  type,
  at,
  alert,
  rule,
});

/**
 * The rule a notification names for an alert whose rule is gone (deleted): its id, store, kind and zone,
 * disabled, nothing else known (threshold and waits 0). The evaluator resolves such an alert with it, and
 * the webhooks' reconciliation sends a change of one with it.
 */
export function ruleGone(alert: Alert): AlertRule {
  return { id: alert.ruleId, store: alert.store, kind: alert.kind, threshold: 0, forSeconds: 0, cooldownSeconds: 0, enabled: false, ...(alert.zone !== undefined ? { zone: alert.zone } : {}) };
}

/** One evaluation of a store's rules at `now`. Rules missing from `rules` but in `state` are resolved and forgotten. */
export function alertStep(state: AlertRulesState, rules: readonly AlertRule[], figures: AlertFigures, now: number): AlertStep {
  const next: Record<string, RuleState> = {};
  const notifications: AlertNotification[] = [];
  const changed: Alert[] = [];
  const resolve = (rs: RuleState, rule: AlertRule): RuleState => {
    const alert: Alert = { ...rs.active!, state: "resolved", resolvedAt: now };
    changed.push(alert);
    notifications.push(notify("alert.resolved", alert, rule, now));
    return { pendingSince: null, active: null, lastResolvedAt: now };
  };
  const known = new Set(rules.map((r) => r.id));
  for (const [id, rs] of Object.entries(state)) {
    if (known.has(id) || !rs.active) continue;
    resolve(rs, ruleGone(rs.active));
  }
  for (const rule of rules) {
    let rs = state[rule.id] ?? EMPTY;
    if (!rule.enabled) {
      next[rule.id] = rs.active ? resolve(rs, rule) : { ...rs, pendingSince: null };
      continue;
    }
    const notCounted = ruleNotCountedSince(rule, figures);
    if (notCounted !== null) {
      // Frozen figures: the open alert stays as it is; nothing new opens. Its receivers hear once that it is held.
      if (rs.active && rs.heldSince === undefined) {
        const held = { ...notify("alert.not-counted", rs.active, rule, now), deliveryId: `${rs.active.id}:not-counted-${notCounted}` };
        notifications.push({ ...held, alert: { ...rs.active, notCountedSince: notCounted } });
        next[rule.id] = { ...rs, heldSince: notCounted };
      } else next[rule.id] = rs.active || rs.pendingSince === null ? rs : { ...rs, pendingSince: null };
      continue;
    }
    if (rs.active && rs.heldSince !== undefined) {
      // Counted again: said once, then the alert goes on (or resolves) as the figures now say.
      notifications.push({ ...notify("alert.counted", rs.active, rule, now), deliveryId: `${rs.active.id}:counted-${rs.heldSince}` });
      const { heldSince: _, ...counted } = rs;
      rs = counted;
    }
    const value = ruleValue(rule, figures, now);
    const holds = value !== null && value > rule.threshold;
    if (rs.active) {
      if (!holds) next[rule.id] = resolve(rs, rule);
      else if (value! > rs.active.value) {
        // The worst seen while active (stored, not announced).
        const alert = { ...rs.active, value: value!, message: alertMessage(rule, value!, figures) };
        changed.push(alert);
        next[rule.id] = { ...rs, active: alert };
      } else next[rule.id] = rs;
      continue;
    }
    if (!holds) {
      next[rule.id] = rs.pendingSince === null ? rs : { ...rs, pendingSince: null };
      continue;
    }
    const since = rs.pendingSince ?? now;
    const waited = now - since >= rule.forSeconds * 1000;
    const cooled = rs.lastResolvedAt === null || now - rs.lastResolvedAt >= rule.cooldownSeconds * 1000;
    if (waited && cooled) {
      const alert: Alert = {
        id: `${rule.id}-${now}`,
        ruleId: rule.id,
        store: rule.store,
        kind: rule.kind,
        ...(rule.zone !== undefined ? { zone: rule.zone } : {}),
        state: "firing",
        since,
        firedAt: now,
        value: value!,
        message: alertMessage(rule, value!, figures),
      };
      changed.push(alert);
      notifications.push(notify("alert.firing", alert, rule, now));
      next[rule.id] = { pendingSince: null, active: alert, lastResolvedAt: rs.lastResolvedAt };
    } else next[rule.id] = { ...rs, pendingSince: since };
  }
  return { state: next, notifications, changed };
}

/**
 * Acknowledge an active alert: it stays active (until its condition ends) and is marked with who
 * and when. Acknowledging twice keeps the first; an unknown or resolved alert changes nothing.
 */
export function acknowledgeAlert(state: AlertRulesState, rules: readonly AlertRule[], alertId: string, by: string, now: number): AlertStep {
  for (const [ruleId, rs] of Object.entries(state)) {
    if (rs.active?.id !== alertId) continue;
    if (rs.active.state === "acknowledged") return { state, notifications: [], changed: [] };
    const alert: Alert = { ...rs.active, state: "acknowledged", acknowledgedBy: by, acknowledgedAt: now };
    const rule = rules.find((r) => r.id === ruleId);
    return {
      state: { ...state, [ruleId]: { ...rs, active: alert } },
      notifications: rule ? [notify("alert.acknowledged", alert, rule, now)] : [],
      changed: [alert],
    };
  }
  return { state, notifications: [], changed: [] };
}

/**
 * The state after a restart, from the stored alerts: each rule's active alert (firing or
 * acknowledged) and its latest resolve. Waits in progress are not stored: they start again.
 */
export function restoreAlertState(stored: readonly Alert[]): AlertRulesState {
  const out: Record<string, RuleState> = {};
  for (const a of stored) {
    const rs = (out[a.ruleId] ??= { pendingSince: null, active: null, lastResolvedAt: null });
    if (a.state === "resolved") rs.lastResolvedAt = Math.max(rs.lastResolvedAt ?? -Infinity, a.resolvedAt ?? a.firedAt);
    else if (!rs.active || a.firedAt > rs.active.firedAt) rs.active = a;
  }
  return out;
}
