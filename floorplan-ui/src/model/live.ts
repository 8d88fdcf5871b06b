/**
 * The live scene for floor staff: store and zone occupancy against capacity, each with a state in
 * words as well as colour (ok, busy from 80 %, at capacity, over capacity by how many), zones
 * worst first, alerts for anything over capacity and since when it is.
 */
import { ackByOf, lastClosing, polygonCentroid, type Alert, type FloorPoint, type Layout, type Occupancy, type OpeningHours, type ZoneKind } from "@footfall/core";
import { formatPercent } from "./format.js";
import { sinceWords } from "./not-counted.js";
import type { LiveQueueRow } from "../api/queues.js";
import { queueAlertNow, queueRowAlertNow } from "./queues.js";
import { nameShown } from "./names.js";

export type CapacityState = "ok" | "busy" | "full" | "over" | "none";
export const BUSY_AT = 0.8;

/**
 * Colours and words of each state. Inks are for text on `soft` (and on white): every pair reads at
 * WCAG AA (4.5:1 or more); `fill` is for bars, outlines and the dot.
 */
export const STATE_STYLE: Record<CapacityState, { word: string; fill: string; ink: string; soft: string }> = {
  ok: { word: "OK", fill: "#16a34a", ink: "#166534", soft: "#dcfce7" },
  busy: { word: "Busy", fill: "#d97706", ink: "#92400e", soft: "#fef3c7" },
  full: { word: "At capacity", fill: "#dc2626", ink: "#991b1b", soft: "#fee2e2" },
  over: { word: "Over capacity", fill: "#b91c1c", ink: "#7f1d1d", soft: "#fecaca" },
  none: { word: "No limit", fill: "#94a3b8", ink: "#475569", soft: "#f1f5f9" },
};

/** Worst first: what staff must act on comes first. */
const SEVERITY: Record<CapacityState, number> = { over: 0, full: 1, busy: 2, ok: 3, none: 4 };

/** ok below 80 % of capacity, busy from 80 %, full at capacity, over above it; none without a capacity. */
export function capacityState(occupancy: number, capacity: number | null | undefined, busyAt = BUSY_AT): CapacityState {
  if (capacity === null || capacity === undefined) return "none";
  if (occupancy > capacity) return "over";
  if (capacity <= 0) return "ok";
  const ratio = occupancy / capacity;
  return ratio >= 1 ? "full" : ratio >= busyAt ? "busy" : "ok";
}

/** The state in words with its figure: `Over by 8`, `At capacity`, `Busy`, `OK`. */
export function stateText(occupancy: number, capacity: number | null, state: CapacityState): string {
  return state === "over" && capacity !== null ? `Over by ${occupancy - capacity}` : STATE_STYLE[state].word;
}

export interface LiveZone {
  id: string;
  name: string;
  kind: ZoneKind;
  polygon: FloorPoint[];
  centroid: [number, number];
  occupancy: number;
  capacity: number | null;
  state: CapacityState;
  ratio: number | null;
  /** Counted only by a door counter: nobody is followed in it, so it has no occupancy of its own. */
  doorOnly: boolean;
  /**
   * Nothing counts it now (the server's `offlineSince`: every agent that counted it offline, silent or
   * revoked, the queue tile's rule): since when and those agents, or null. Its `occupancy` is then the
   * people seen before, which the plan and the list do not show as a figure; its state is "none".
   */
  notCounted: { since: number; agents: string[] } | null;
}

export interface LiveScene {
  total: number;
  /** Where the store's total comes from: the door counter's net count, or the people followed in zones. */
  totalFrom: "door" | "zones" | "unknown";
  /** People followed in zones now (the zones' figures added up). */
  inZones: number;
  /** The store's capacity: the sum of its zones' capacities (null when no zone has one). */
  capacity: number | null;
  state: CapacityState;
  /** The worst of the store's state and its zones' states: what the store card shows. */
  attention: CapacityState;
  ratio: number | null;
  /** Zones worst first (over, at capacity, busy, ok, no limit), then fullest, then by name. */
  zones: LiveZone[];
  /** Zones (and the store, id `store`) over capacity, with their text: `Fruit & veg: 12 of 4, over by 8`. */
  alerts: { id: string; text: string }[];
  /** The total holds a zone nothing counts now (the server's `partial`): the names of the zones not counted, else []. */
  partial: string[];
}

/**
 * The store's capacity is the sum of the capacities set on its zones: zones do not overlap, so
 * their limits add up. Null when none is set, so the view says "no limit" rather than inventing one.
 */
export function storeCapacity(zones: readonly { capacity: number | null }[]): number | null {
  const set = zones.filter((z) => z.capacity !== null);
  return set.length ? set.reduce((s, z) => s + z.capacity!, 0) : null;
}

/**
 * Occupancy as the server sends it, with what v1.1 servers of this project add (where the total comes
 * from, door-only zones; zones nothing counts now and whether the total holds one).
 */
export type LiveOccupancy = Omit<Occupancy, "zones"> & {
  zones: (Occupancy["zones"][number] & { offlineSince?: number | null; offlineAgents?: string[] })[];
  totalFrom?: "door" | "zones";
  doorZones?: string[];
  partial?: boolean;
};

export const STORE_ALERT = "store";

/** Warning thresholds (share of capacity) set by the store's occupancy alert rules: the store's, and per zone. */
export interface BusyThresholds {
  store?: number;
  zones?: Readonly<Record<string, number>>;
}

export function liveScene(layout: Pick<Layout, "zones">, occupancy: LiveOccupancy | null, busyAt = BUSY_AT, thresholds: BusyThresholds = {}): LiveScene {
  const byZone = new Map((occupancy?.zones ?? []).map((z) => [z.zone as string, z]));
  const doorZones = new Set(occupancy?.doorZones ?? []);
  const zones = layout.zones.map((z): LiveZone => {
    const o = byZone.get(z.id);
    const occ = o?.occupancy ?? 0;
    // A zone only a door counter sees holds nobody it can count: no capacity state for it.
    const doorOnly = doorZones.has(z.id) && occ === 0;
    const capacity = doorOnly ? null : o ? o.capacity : (z.capacity ?? null);
    // Nothing counts it now: its people are those seen before, so no state (no "over", no alert) from them.
    const notCounted = o?.offlineSince !== null && o?.offlineSince !== undefined ? { since: o.offlineSince, agents: o.offlineAgents ?? [] } : null;
    return {
      id: z.id,
      // Written out (model/names shown): the plan's labels, the zone list and the alerts' words show it.
      name: nameShown(z.name),
      kind: z.kind,
      polygon: z.polygon,
      centroid: polygonCentroid(z.polygon),
      occupancy: occ,
      capacity,
      state: doorOnly || notCounted ? "none" : capacityState(occ, capacity, thresholds.zones?.[z.id] ?? busyAt),
      ratio: capacity && !notCounted ? occ / capacity : null,
      doorOnly,
      notCounted,
    };
  });
  const total = occupancy?.total ?? 0;
  // The store's capacity counts the door-only zones too: people pass through the entrance.
  const capacity = storeCapacity(layout.zones.map((z) => ({ capacity: byZone.get(z.id)?.capacity ?? z.capacity ?? null })));
  const state = capacityState(total, capacity, thresholds.store ?? busyAt);
  const alerts: LiveScene["alerts"] = [];
  if (capacity !== null && total > capacity) alerts.push({ id: STORE_ALERT, text: `Whole store: ${total} of ${capacity}, over by ${total - capacity}` });
  // A zone nothing counts comes after those over or at capacity, before the rest: staff look at it themselves.
  const rank = (z: LiveZone) => (z.notCounted ? SEVERITY.full + 0.5 : SEVERITY[z.state]);
  const sorted = [...zones].sort((a, b) => rank(a) - rank(b) || (b.ratio ?? -1) - (a.ratio ?? -1) || a.name.localeCompare(b.name));
  for (const z of sorted) if (z.state === "over") alerts.push({ id: z.id, text: `${z.name}: ${z.occupancy} of ${z.capacity}, over by ${z.occupancy - z.capacity!}` });
  const attention = [state, ...zones.map((z) => z.state)].reduce((w, s) => (SEVERITY[s] < SEVERITY[w] ? s : w), "none" as CapacityState);
  return {
    total,
    totalFrom: occupancy?.totalFrom ?? "unknown",
    inZones: zones.reduce((s, z) => s + z.occupancy, 0),
    capacity,
    state,
    attention,
    ratio: capacity ? total / capacity : null,
    zones: sorted,
    alerts,
    partial: occupancy?.partial ? sorted.filter((z) => z.notCounted).map((z) => z.name) : [],
  };
}

/** A zone nothing counts now, in the queue tile's words: "Since 15:56 CET (cam-q offline)" ("Since Fri 15:56 CET" begun before today: not-counted's sinceWords). */
export function notCountedText(n: { since: number; agents: readonly string[] }, timeZone: string, now: number): string {
  return `Since ${sinceWords(n.since, now, timeZone)} (${n.agents.join(", ")} offline)`;
}

/**
 * The kiosk's zone list when its rows would overflow the list (a kiosk has no one to scroll it): past ~13
 * not-counted rows (two lines each) at 1024x768 under an alert. Then the not-counted rows go dense, one line each
 * (the name and a grey "Not counted"), and their since when and agents move to a legend above the list, one line
 * for each distinct since/agents ("Not counted since 14:20 (sim-1 offline)"), its number on the rows when there are
 * more than one. `overflows` is whether the full form's rows were measured taller than the list.
 */
export type ZoneListForm = { form: "full" | "dense"; legend: { mark: number | null; text: string; zones: string[] }[]; markOf: Record<string, number | null> };

export function zoneListForm(zones: readonly { id: string; notCounted: { since: number; agents: readonly string[] } | null }[], overflows: boolean, timeZone: string, now: number): ZoneListForm {
  const nc = zones.filter((z) => z.notCounted);
  if (!overflows || nc.length === 0) return { form: "full", legend: [], markOf: {} };
  const groups = new Map<string, { text: string; zones: string[] }>();
  for (const z of nc) {
    const text = `Not counted s${notCountedText(z.notCounted!, timeZone, now).slice(1)}`;
    const g = groups.get(text) ?? { text, zones: [] };
    g.zones.push(z.id);
    groups.set(text, g);
  }
  const many = groups.size > 1;
  const legend = [...groups.values()].map((g, i) => ({ mark: many ? i + 1 : null, text: g.text, zones: g.zones }));
  const markOf: Record<string, number | null> = {};
  for (const g of legend) for (const id of g.zones) markOf[id] = g.mark;
  return { form: "dense", legend, markOf };
}

/**
 * The store total holding zones nothing counts now: "Partial: Till queue not counted now"; null when whole.
 * When nothing at all is counted (every zone, the door's too: the store's one agent off), the total is
 * the last count, not part of one: "Partial: 12 zones" read as if the rest were counted.
 */
export function partialText(scene: Pick<LiveScene, "partial" | "zones">): string | null {
  const names = scene.partial;
  if (names.length === 0) return null;
  if (names.length === scene.zones.length) return "Nothing counted now: no zone is counted, so this is the count from before; look at the store yourself";
  return `Partial: ${names.length > 3 ? `${names.length} zones` : names.join(", ")} not counted now`;
}

/**
 * The store card's state line: its words and colours. They follow the store's own state, not the card's attention
 * (an alert firing makes the card red, but a store at 5 % is "OK" in green, not a red "OK"); a store whose zones
 * are all not counted says "Not counted now" in grey (its figure is from before, as the partial line says), not
 * "OK"; a store closed by its hours, with nothing calling for attention, says so and when it opens (`closedText`).
 */
export function cardStateLine(
  scene: Pick<LiveScene, "total" | "capacity" | "state" | "ratio" | "partial" | "zones">,
  attention: CapacityState,
  closedText: string | null,
): { kind: CapacityState | "not-counted" | "closed"; text: string; ink: string; fill: string } {
  if (closedText && (attention === "ok" || attention === "none")) return { kind: "closed", text: closedText, ink: STATE_STYLE[attention].ink, fill: STATE_STYLE[attention].fill };
  if (scene.zones.length > 0 && scene.partial.length >= scene.zones.length) return { kind: "not-counted", text: "Not counted now", ink: STATE_STYLE.none.ink, fill: STATE_STYLE.none.fill };
  const own = STATE_STYLE[scene.state];
  return { kind: scene.state, text: `${stateText(scene.total, scene.capacity, scene.state)} · ${formatPercent(scene.ratio ?? 0)}`, ink: own.ink, fill: own.fill };
}

/**
 * Since when an alert's condition holds, as the banner says it beside the alert's message (the
 * alert's `since`, in the store's time labelled with its zone): "above the limit since 18:41 CET"; begun before
 * today there (by `now`, the server's clock), its day: "since Fri 18:41 CET" (not-counted's sinceWords), so that
 * Friday's alert still on on Monday does not read as recent.
 * It said "over since 18:41", which reads as "finished since"; every rule's message says
 * "(above …)", so "above the limit" fits them (an occupancy share, a queue, a forecast); a silence (`kind`
 * agent-offline, counter-silent: silenceKind) says "since 00:33 CET" alone.
 */
export function alertSinceText(since: number, timeZone: string, now: number, kind?: string): string {
  return `${silenceKind(kind) ? "" : "above the limit "}since ${sinceWords(since, now, timeZone)}`;
}

/**
 * Kinds whose alert is a silence (an agent's, a counter's): "above the limit" reads oddly there, so the banner says
 * "sim-1 silent for 20 s · since 00:33 CET" (core alertMessage's words, then the since-words after a "·").
 */
export const silenceKind = (kind: string | undefined): boolean => kind === "agent-offline" || kind === "counter-silent";

/** Since when each alert has been on: its first sighting, and whether the change was seen (or it was already on when the view opened). */
export type OverSince = ReadonlyMap<string, { since: number; seenStart: boolean }>;

/**
 * The alerts' "over since" after a new scene at `ts`: an alert already on keeps its time, a new
 * one starts now, one that ended is dropped. `first`: the view's first figures (an alert on then
 * was already on, since an unknown time: `seenStart` false).
 */
export function trackOver(prev: OverSince, scene: Pick<LiveScene, "alerts">, ts: number, first: boolean): OverSince {
  const next = new Map<string, { since: number; seenStart: boolean }>();
  for (const a of scene.alerts) next.set(a.id, prev.get(a.id) ?? { since: ts, seenStart: !first });
  return next;
}

/** The server's alerts as the live push sends them, as much as says since when a zone is over capacity. */
export interface OverAlerts {
  alerts: readonly Pick<Alert, "ruleId" | "kind" | "zone" | "state" | "since">[];
  /** `rules`: each enabled occupancy rule's threshold (share of capacity), by rule id; servers before it leave it out. */
  thresholds?: { rules?: Readonly<Record<string, number>> };
}

/**
 * Since when a zone (or the store, id `store`) over capacity is, as the "Over capacity" strip and
 * the zone list say it: `alert`, the `since` of the server's alert on it, the time the banner says
 * (when the rule's condition began); else the tablet's own sighting (`seen`: it saw the change;
 * `opened`: it was already over when the tablet opened, at an unknown earlier time). An alert
 * counts when its rule says over capacity: an occupancy rule on that zone (none: the store) at
 * 100 % or more, firing or acknowledged. A lower one ("busy above 80 %") began before the zone was
 * over, so its time is not the zone's. A rule at exactly 100 % is the condition "over capacity"
 * itself: its alert's time is the answer (the earliest of several), the banner's. One above 100 %
 * ("above 120 %") says the zone has been over at least since then, maybe from earlier: the
 * earliest of its time and the tablet's own (which saw it go over at 18:41 before the rule fired at
 * 18:50, or found it over at 18:45 when it opened).
 */
export function overSinceOf(id: string, tracked: OverSince, alerts: OverAlerts | null | undefined): { since: number; from: "alert" | "seen" | "opened" } | null {
  const rules = alerts?.thresholds?.rules ?? {};
  let exact: number | null = null;
  let atLeast: number | null = null;
  for (const a of alerts?.alerts ?? []) {
    if (a.kind !== "occupancy" || a.state === "resolved" || (id === STORE_ALERT ? a.zone !== undefined : a.zone !== id)) continue;
    const threshold = rules[a.ruleId];
    if (threshold === undefined || !(threshold >= 1)) continue;
    if (threshold === 1) exact = exact === null ? a.since : Math.min(exact, a.since);
    else atLeast = atLeast === null ? a.since : Math.min(atLeast, a.since);
  }
  if (exact !== null) return { since: exact, from: "alert" };
  const t = tracked.get(id);
  if (atLeast !== null && (!t || atLeast < t.since)) return { since: atLeast, from: "alert" };
  return t ? { since: t.since, from: t.seenStart ? "seen" : "opened" } : null;
}

/** `overSinceOf` in words, in the store's time labelled with its zone: "since 18:41 CET", or "already at 18:56 CET" (over before the tablet opened, no alert says since when). */
export function overSinceText(over: ReturnType<typeof overSinceOf>, timeZone: string, now: number): string {
  if (!over) return "";
  return `${over.from === "opened" ? "already at" : "since"} ${sinceWords(over.since, now, timeZone)}`;
}

/**
 * `trackOver` kept across calls, for a view to call while it renders (not as state set in an
 * effect: on a tablet that comes back online the live push arrives in a burst, each message a
 * synchronous render whose effect queued one more, and React threw "Maximum update depth
 * exceeded", error #185). Before any figures it answers an empty map; a call again with the same
 * scene and time (React may render twice) answers the same map.
 */
export function overSinceTracker(): (scene: Pick<LiveScene, "alerts"> | null, ts: number | null) => OverSince {
  let last: OverSince | null = null;
  let lastScene: Pick<LiveScene, "alerts"> | null = null;
  let lastTs: number | null = null;
  return (scene, ts) => {
    if (!scene || ts === null) return last ?? new Map();
    if (last && scene === lastScene && ts === lastTs) return last;
    last = trackOver(last ?? new Map(), scene, ts, last === null);
    lastScene = scene;
    lastTs = ts;
    return last;
  };
}

/**
 * Whether the store's door count runs from its last closing (true) or from local midnight (false), as
 * the server's count does (core doorCountStart): hours that did not close in the last week (open round
 * the clock, 00:00-24:00) reset at midnight as no hours do, so the card says "since midnight" there,
 * not "since opening". Null while the hours are not known.
 */
export function doorCountFromClosing(hours: OpeningHours | null | undefined, now: number, timeZone: string): boolean | null {
  if (hours === undefined) return null;
  if (hours === null) return false;
  return lastClosing(hours, now, timeZone) !== null;
}

/**
 * Where the store card's total comes from, in words. A door count is in minus out since its last
 * reset: the store's last closing when it has opening hours (`hasHours` true), else local midnight;
 * `hasHours` null: not known (yet), said without the reset. With hours, "since opening" while the
 * store is open (nobody came in between the closing and the opening), "since closing" while it is
 * closed (`openNow` false: the count started at the closing just past, not at any opening).
 */
export function totalSourceText(totalFrom: LiveScene["totalFrom"], hasHours: boolean | null, openNow: boolean | null = null): string {
  if (totalFrom === "zones") return "people followed in the zones (no door counter)";
  if (totalFrom === "unknown") return "store total";
  if (hasHours === null) return "door count (in minus out)";
  if (!hasHours) return "door count (in minus out since midnight)";
  return openNow === false ? "door count (in minus out since closing)" : "door count (in minus out since opening)";
}

/**
 * Why the store card shows a worse state than the store's own figure: the zones that are busy, at
 * capacity or over ("Bakery busy", "2 zones over"), worst first; null when the card's state is the
 * store's own (an amber card that says "OK" with no reason is what staff cannot act on).
 */
export function attentionReason(scene: Pick<LiveScene, "state" | "attention" | "zones">): string | null {
  if (SEVERITY[scene.attention] >= SEVERITY[scene.state]) return null;
  const parts: string[] = [];
  for (const state of ["over", "full", "busy"] as const) {
    if (SEVERITY[state] >= SEVERITY[scene.state]) break;
    const zones = scene.zones.filter((z) => z.state === state);
    if (zones.length === 0) continue;
    const word = state === "full" ? "at capacity" : state;
    parts.push(zones.length === 1 ? `${zones[0]!.name} ${word}` : `${zones.length} zones ${word}`);
  }
  return parts.length ? parts.join(", ") : null;
}

/** What the tablet says while its figures are not live: a title, what to do, and whether only signing in again helps. */
export interface ConnectionNotice {
  title: string;
  detail: string;
  /** The server refused this token (revoked, expired, or not a staff one): retrying will not help; sign in with another. */
  signIn: boolean;
}

/**
 * The stale-figures notice for a connection state: reconnecting by itself, or refused. A refusal
 * of the token itself ("unauthorized: ...", "forbidden: ...") needs a new token, and says so; any
 * other refusal gives the server's reason and that the tablet asks again.
 */
export function connectionNotice(status: "connecting" | "reconnecting" | "refused" | "live", error: string | null): ConnectionNotice | null {
  if (status === "live") return null;
  if (status !== "refused") return { title: "Connection lost, reconnecting…", detail: "", signIn: false };
  const why = error ?? "refused";
  if (/^unauthorized\b/.test(why)) {
    const revoked = /revoked/.test(why) ? "was revoked" : /expired/.test(why) ? "has expired" : "is not accepted";
    return { title: "Not connected.", detail: `This tablet's token ${revoked}: sign in again with a new staff token (an admin makes one in Admin > Tokens).`, signIn: true };
  }
  if (/^forbidden\b/.test(why)) return { title: "Not connected.", detail: "This token may not see live occupancy: sign in with a staff token.", signIn: true };
  return { title: "Not connected.", detail: `The server said: ${why}. The tablet asks again every 15 s.`, signIn: false };
}

/**
 * The acknowledgement error the alert banner still shows: only while the alert it was about is
 * there and firing. Once it is acknowledged (by another tablet: "already acknowledged by Ana") or
 * resolved, the error is moot, and it must never reappear under a later alert.
 */
export function shownAckError(error: { alertId: string; text: string } | null, alerts: readonly { id: string; state: string }[]): string | null {
  return error && alerts.some((a) => a.id === error.alertId && a.state === "firing") ? error.text : null;
}

/** How long a name typed to acknowledge stays remembered on a shared tablet: a shift. */
export const ACK_NAME_SHIFT_MS = 12 * 3_600_000;
export const ACK_NAME_KEY = "footfall.ackName";

/** What to store on this tablet for `name` typed at `now` (see rememberedAckName). */
export function ackNameRecord(name: string, now: number): string {
  return JSON.stringify({ name, at: now });
}

/**
 * The name typed on this tablet to acknowledge, while its shift lasts (ACK_NAME_SHIFT_MS from when
 * it was typed, not in the future): the next person of the shift finds it filled in, the next shift
 * does not. "" when none, expired, or not a name the server takes (core ackByOf).
 */
export function rememberedAckName(stored: string | null, now: number): string {
  if (!stored) return "";
  try {
    const r = JSON.parse(stored) as { name?: unknown; at?: unknown };
    if (typeof r.name !== "string" || typeof r.at !== "number") return "";
    if (!(r.at <= now && now - r.at < ACK_NAME_SHIFT_MS)) return "";
    return ackByOf(r.name) ?? "";
  } catch {
    return "";
  }
}

/**
 * An occupancy alert's figure now, where it reads otherwise than the alert's message, which keeps
 * the worst share reached while the alert is on ("Bakery busy at 17 % of capacity" while 9 % are
 * there now): "now 9 %", with the server's rounding and definition (people over capacity; the
 * store's: its total over its zones' capacities added up); a queue alert's people waiting or wait now
 * as the queue's tile says them ("now 2 waiting", "now about 1 min": `queues`, the live queue figures;
 * without them, a queue-length alert's zone's people; "not counted now" for a line nothing counts, and
 * for an occupancy alert on a zone nothing counts or on a partial store total). Null for other kinds, an unknown figure or the same one.
 */
export function alertNow(
  alert: Pick<Alert, "kind" | "zone" | "value">,
  scene: Pick<LiveScene, "total" | "capacity" | "zones" | "partial">,
  queues?: readonly (Pick<LiveQueueRow, "zone" | "length" | "estimatedWaitS"> & { offlineSince?: number | null })[],
): string | null {
  const zone = alert.zone === undefined ? null : scene.zones.find((z) => z.id === alert.zone);
  if (zone === undefined) return null;
  // A queue alert's figures now are its tile's (`queues`, the live queue figures): people waiting leave out those the tracking
  // lost, whom the zone's people on the map count; without them, the zone's people.
  if ((alert.kind === "queue-length" || alert.kind === "queue-wait") && queues?.some((q) => q.zone === alert.zone)) return queueRowAlertNow(alert, queues);
  if (alert.kind === "queue-length") return zone ? queueAlertNow(alert, zone.occupancy, null) : null;
  if (alert.kind !== "occupancy") return null;
  // Nobody counts the zone (or a zone the store total holds): its figures are frozen, the alert held as it was.
  if (zone ? zone.notCounted : scene.partial.length > 0) return "not counted now";
  const people = zone ? zone.occupancy : scene.total;
  const capacity = zone ? zone.capacity : scene.capacity;
  if (capacity === null || !(capacity > 0)) return null;
  const now = Math.round((people / capacity) * 100);
  return now === Math.round(alert.value * 100) ? null : `now ${now} %`;
}
