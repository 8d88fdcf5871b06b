/**
 * The experiment form as plain state and named actions: a store, the layout version whose
 * `validFrom` is the change, before and after periods (equal windows around the change by
 * default), zones of interest (the zones the change touched by default) and control stores.
 */
import { experimentStage, shownName, type Layout } from "@footfall/core";
import type { Experiment, ExperimentInput, Period } from "../api/types.js";
import { formatDateTimeZ } from "./format.js";
import { nameProblem, nameShown } from "./names.js";

export interface LayoutVersion {
  version: number;
  validFrom: number;
}

export interface ExperimentForm {
  name: string;
  /** Whether the name was typed (then picking a version leaves it alone). */
  named: boolean;
  store: string;
  /** The store as people know it (its name, else its id), for the default experiment name. */
  storeName: string;
  versions: LayoutVersion[] | null;
  version: number | null;
  before: Period | null;
  after: Period | null;
  zones: string[];
  /** The zones of the layouts just before and at the change (null until loaded; before is null without a previous version). */
  changeZones: { before: string[] | null; after: string[] } | null;
  controls: string[];
  /** When the form was opened: the after period never runs past it by default. */
  now: number;
  /**
   * Where the store's history begins (`storeHistoryStart`): the before period never starts earlier
   * by default. Undefined while it is looked up, null when unknown (no data yet, or the look-up failed).
   */
  historyFrom?: number | null;
  /** The hour of the store's first data, as the notes name it (null: unknown). */
  firstData?: number | null;
}

export type ExperimentAction =
  | { type: "setName"; name: string }
  | { type: "setStore"; store: string; storeName?: string }
  | { type: "versionsLoaded"; versions: LayoutVersion[] }
  | { type: "pickVersion"; version: number }
  | { type: "setPeriod"; which: "before" | "after"; edge: "from" | "to"; ts: number }
  | { type: "layoutsLoaded"; before: Pick<Layout, "zones"> | null; after: Pick<Layout, "zones"> }
  | { type: "toggleZone"; zone: string }
  | { type: "toggleControl"; store: string }
  | { type: "historyLoaded"; store: string; historyFrom: number | null; firstData?: number | null };

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export function initialExperiment(store: string, now: number, storeName?: string): ExperimentForm {
  return { name: "", named: false, store, storeName: storeName?.trim() || store, versions: null, version: null, before: null, after: null, zones: [], changeZones: null, controls: [], now, historyFrom: undefined };
}

/** The version that starts at the change, the one before it and the one after (which bounds the after period). */
export function versionContext(versions: readonly LayoutVersion[], version: number | null) {
  const sorted = [...versions].sort((a, b) => a.validFrom - b.validFrom || a.version - b.version);
  const i = sorted.findIndex((v) => v.version === version);
  return { change: i >= 0 ? sorted[i]! : null, previous: i > 0 ? sorted[i - 1]! : null, next: i >= 0 ? (sorted[i + 1] ?? null) : null };
}

/** The shortest period the server compares (a whole day, so every hour of the day is in it). */
export const MIN_PERIOD_MS = DAY;

/**
 * Equal windows just before and just after the change: the longest of 4, 2 or 1 weeks that fits
 * (whole weeks keep the mix of weekdays the same), else whole days. Null while there is not a full
 * day on both sides: minutes of data would give a verdict on noise. They never reach back past the
 * previous version nor the start of the store's history (`historyFrom`, null: unknown), nor past
 * the next version or now.
 */
export function defaultWindows(changeAt: number, previousFrom: number | null, nextFrom: number | null, now: number, historyFrom: number | null = null): { before: Period; after: Period } | null {
  const room = Math.min(changeAt - Math.max(previousFrom ?? -Infinity, historyFrom ?? -Infinity), (nextFrom ?? Infinity) - changeAt, now - changeAt);
  if (!(room >= MIN_PERIOD_MS)) return null;
  const week = [28, 14, 7].find((d) => room >= d * DAY);
  const len = week ? week * DAY : Math.floor(room / DAY) * DAY;
  return { before: { from: changeAt - len, to: changeAt }, after: { from: changeAt, to: changeAt + len } };
}

/**
 * Why there are no default windows around a change (`defaultWindows` gave none), in words that say
 * what to do: the previous version was in force less than a day, the next one replaced it within a
 * day, or (the usual case, a version just saved or scheduled) a full day after it has not passed
 * yet: then when the experiment can be created. Times in the store's `timeZone`.
 */
export function noWindowsWhy(change: LayoutVersion, previous: LayoutVersion | null, next: LayoutVersion | null, now: number, timeZone: string, historyFrom: number | null = null, firstData: number | null = historyFrom): string {
  const at = (ts: number) => formatDateTimeZ(ts, timeZone);
  if (previous && change.validFrom - previous.validFrom < MIN_PERIOD_MS)
    return `Version ${change.version} replaced version ${previous.version} less than a day after it took effect (${at(previous.validFrom)}): there is no full day before the change to compare with. Pick another change.`;
  if (historyFrom !== null && change.validFrom - historyFrom < MIN_PERIOD_MS)
    return `The store's data begins ${at(firstData ?? historyFrom)}, less than a day before version ${change.version} took effect (${at(change.validFrom)}): there is no full day of data before the change to compare with. Pick a later change.`;
  if (next && next.validFrom - change.validFrom < MIN_PERIOD_MS)
    return `Version ${next.version} replaced version ${change.version} less than a day after it took effect (${at(next.validFrom)}): there is no full day after the change to compare with. Pick another change.`;
  const ready = change.validFrom + MIN_PERIOD_MS;
  const when = change.validFrom > now ? `takes effect ${at(change.validFrom)}` : `took effect ${at(change.validFrom)}`;
  return `Version ${change.version} ${when}: a period needs a full day after the change, so this experiment can be created from ${at(ready)}.`;
}

/** Zones of the after layout that are new or whose outline moved: what the change touched. */
export function changedZones(before: Pick<Layout, "zones"> | null, after: Pick<Layout, "zones">): string[] {
  const old = new Map((before?.zones ?? []).map((z) => [z.id as string, JSON.stringify(z.polygon)]));
  return after.zones.filter((z) => old.get(z.id) !== JSON.stringify(z.polygon)).map((z) => z.id);
}

function withDefaults(state: ExperimentForm): ExperimentForm {
  const ctx = versionContext(state.versions ?? [], state.version);
  if (!ctx.change) return { ...state, before: null, after: null };
  const w = defaultWindows(ctx.change.validFrom, ctx.previous?.validFrom ?? null, ctx.next?.validFrom ?? null, state.now, state.historyFrom ?? null);
  // A store name saved before the name rule (an ESC, a line break in it) is written out, so the default keeps the rule.
  const name = state.named ? state.name : `${shownName(state.storeName)}: layout version ${ctx.change.version}`;
  return { ...state, name, before: w?.before ?? null, after: w?.after ?? null };
}

export function experimentReducer(state: ExperimentForm, action: ExperimentAction): ExperimentForm {
  switch (action.type) {
    case "setName":
      return { ...state, name: action.name, named: action.name.trim() !== "" };
    case "setStore":
      if (action.store === state.store) return state;
      return { ...initialExperiment(action.store, state.now, action.storeName), name: state.named ? state.name : "", named: state.named, controls: state.controls.filter((c) => c !== action.store) };
    case "versionsLoaded": {
      const versions = [...action.versions].sort((a, b) => a.validFrom - b.validFrom);
      // The latest change is the usual question: "did the last move work?"
      const latest = versions.length > 1 ? versions.at(-1)!.version : null;
      return withDefaults({ ...state, versions, version: state.version ?? latest });
    }
    case "pickVersion":
      if (!state.versions?.some((v) => v.version === action.version)) return state;
      return withDefaults({ ...state, version: action.version, zones: [], changeZones: null });
    case "setPeriod": {
      const p = state[action.which];
      if (!p) return state;
      return { ...state, [action.which]: { ...p, [action.edge]: action.ts } };
    }
    case "layoutsLoaded": {
      const changeZones = { before: action.before ? action.before.zones.map((z) => z.id as string) : null, after: action.after.zones.map((z) => z.id as string) };
      // The zones only when nothing was picked yet, so a reload does not undo a person's choice.
      return { ...state, changeZones, zones: state.zones.length > 0 ? state.zones : changedZones(action.before, action.after) };
    }
    case "toggleZone":
      return { ...state, zones: state.zones.includes(action.zone) ? state.zones.filter((z) => z !== action.zone) : [...state.zones, action.zone] };
    case "historyLoaded": {
      if (action.store !== state.store) return state;
      // Proposed again only if the periods are still the ones proposed (a person's own periods stay).
      const proposed = withDefaults(state);
      const untouched = samePeriod(state.before, proposed.before) && samePeriod(state.after, proposed.after);
      const next = { ...state, historyFrom: action.historyFrom, firstData: action.firstData ?? action.historyFrom };
      return untouched ? withDefaults(next) : next;
    }
    case "toggleControl":
      if (action.store === state.store) return state;
      return { ...state, controls: state.controls.includes(action.store) ? state.controls.filter((c) => c !== action.store) : [...state.controls, action.store] };
  }
}

function samePeriod(a: Period | null, b: Period | null): boolean {
  return a === b || (!!a && !!b && a.from === b.from && a.to === b.to);
}

/**
 * Where a store's history begins, for the form's periods: the hour of its first data
 * (`firstData`, hourly: the first hour with an enter) less the closed stretch just before it (a
 * store whose data begins at its 08:00 opening had nothing to count overnight), given its open
 * intervals `open` over the days before (null: no opening hours, always open). The first data is
 * known to the hour only, so an hour before it counts too. Null when the store has no data, or
 * was closed all the days looked at.
 */
export function storeHistoryStart(firstData: number | null, open: readonly Period[] | null): number | null {
  if (firstData === null) return null;
  let start = firstData - HOUR;
  if (open) {
    const earlier = open.filter((o) => o.from < firstData);
    const last = earlier.reduce<Period | null>((a, o) => (!a || o.to > a.to ? o : a), null);
    // Closed all the days looked at: nothing to bound the periods with.
    if (!last) return null;
    // Closed from the end of the last opening before the first data.
    start = Math.min(start, last.to);
  }
  return start;
}

export interface FormCheck {
  /** What must be fixed before creating. */
  problems: string[];
  /** What is worth knowing but allowed. */
  notes: string[];
}

/** Stores as people know them: by name (the id where a store has none, or is not among those listed), joined with commas. */
export function storeNames(ids: readonly string[], stores: readonly { id: string; name?: string | null }[]): string {
  return ids
    .map((id) => {
      const name = stores.find((s) => s.id === id)?.name;
      return name && name.trim() ? nameShown(name) : id;
    })
    .join(", ");
}

/** The zones each control store had in the before and after periods (its layouts then); a store not loaded yet is absent. */
export type ControlZones = ReadonlyMap<string, { before: ReadonlySet<string>; after: ReadonlySet<string> }>;

/** What the form knows beyond its own state: the control stores' zones, and names to write. */
export interface CheckContext {
  controlZones: ControlZones;
  /** The store's time zone, for the times the problems name (UTC without it). */
  timeZone?: string;
  zoneName: (zone: string) => string;
  storeName: (store: string) => string;
}

/**
 * A control store stands for "what the test store would have done without the change" on each zone
 * of interest: one that does not have a zone in both periods cannot (a fashion store has no promo
 * table of a supermarket's). One problem per store, naming the zones it lacks.
 */
export function controlZoneProblems(form: Pick<ExperimentForm, "controls" | "zones"> & Partial<Pick<ExperimentForm, "changeZones">>, ctx: CheckContext): string[] {
  const problems: string[] = [];
  const cz = form.changeZones;
  // A zone the change added or removed is in no store all through both periods: another control store would not help.
  const cameOrWent = (id: string) => !!cz?.before && cz.before.includes(id) !== cz.after.includes(id);
  for (const store of form.controls) {
    const z = ctx.controlZones.get(store);
    if (!z) continue;
    const lacking = form.zones.filter((id) => !z.before.has(id) || !z.after.has(id));
    if (lacking.length === 0) continue;
    const names = lacking.map((id) => `“${ctx.zoneName(id).replace(/ \(removed\)$/, "")}”`).join(", ");
    const many = lacking.length > 1;
    problems.push(
      lacking.every(cameOrWent)
        ? `${ctx.storeName(store)} does not have the zone${many ? "s" : ""} ${names} all through both periods, and no store can: the change added or removed ${many ? "them" : "it"}. Leave ${many ? "them" : "it"} out of the zones of interest (${many ? "they" : "it"} cannot be compared anyway), or leave out the control stores.`
        : `${ctx.storeName(store)} does not have the zone${many ? "s" : ""} ${names} all through both periods: a control store needs every zone of interest, so pick one with the same zones or leave it out.`,
    );
  }
  return problems;
}

/**
 * Why a store cannot be a control store of the form's zones of interest, for the picker, before it is picked (the
 * rule of `controlZoneProblems`, whose words come only once it is): "no “Promotions” zone", "no “Promotions”,
 * “Fruit” zones", or "no “Promotions” zone in the before period" for one that has it in one period only. Null
 * when it has them all, when no zone is picked yet, and while its zones are not known (the server still judges it).
 */
export function controlUnavailable(store: string, form: Pick<ExperimentForm, "zones">, ctx: Pick<CheckContext, "controlZones" | "zoneName">): string | null {
  const z = ctx.controlZones.get(store);
  if (!z) return null;
  const lacking = form.zones.filter((id) => !z.before.has(id) || !z.after.has(id));
  if (lacking.length === 0) return null;
  const names = lacking.map((id) => `“${ctx.zoneName(id).replace(/ \(removed\)$/, "")}”`).join(", ");
  const inBoth = lacking.every((id) => !z.before.has(id) && !z.after.has(id));
  const period = inBoth ? "" : lacking.every((id) => !z.before.has(id)) ? " in the before period" : lacking.every((id) => !z.after.has(id)) ? " in the after period" : " all through both periods";
  return `no ${names} zone${lacking.length > 1 ? "s" : ""}${period}`;
}

/**
 * Zones of interest the change added or removed (not on the layout just before it, or not at it):
 * the result cannot compare them and reads "not comparable", so say so before creating, and what
 * to pick instead. A note, not a problem: the rest of the experiment stands.
 */
export function uncomparableZoneNotes(form: Pick<ExperimentForm, "zones" | "changeZones">, ctx: Pick<CheckContext, "zoneName">): string[] {
  const z = form.changeZones;
  if (!z?.before) return [];
  const before = new Set(z.before);
  const after = new Set(z.after);
  const names = (ids: string[]) => ids.map((id) => `“${ctx.zoneName(id).replace(/ \(removed\)$/, "")}”`).join(", ");
  const added = form.zones.filter((id) => !before.has(id) && after.has(id));
  const removed = form.zones.filter((id) => before.has(id) && !after.has(id));
  const notes: string[] = [];
  if (added.length > 0)
    notes.push(`${names(added)} ${added.length > 1 ? "were" : "was"} not on the layout before the change: there is nothing to compare ${added.length > 1 ? "them" : "it"} with, so the result will say “not comparable”. To see what ${added.length > 1 ? "they" : "it"} changed, pick the zones around ${added.length > 1 ? "them" : "it"} too.`);
  if (removed.length > 0)
    notes.push(`${names(removed)} ${removed.length > 1 ? "are" : "is"} not on the layout after the change: the result will say “not comparable” for ${removed.length > 1 ? "them" : "it"}.`);
  return notes;
}

export function checkExperiment(form: ExperimentForm, context?: CheckContext): FormCheck {
  const problems: string[] = [];
  const notes: string[] = [];
  if (!form.name.trim()) problems.push("Give the experiment a name.");
  else {
    const flaw = nameProblem("The name", form.name.trim());
    if (flaw) problems.push(flaw);
  }
  const ctx = versionContext(form.versions ?? [], form.version);
  if (form.versions && form.versions.length < 2) problems.push("This store has one layout version: save a changed layout first, then compare before and after it.");
  else if (!ctx.change) problems.push("Pick the layout version that made the change.");
  else if (!ctx.previous) problems.push(`Version ${ctx.change.version} is the store's first layout: there is no “before” to compare with.`);
  const { before, after } = form;
  if (ctx.change && ctx.previous && (!before || !after)) problems.push(noWindowsWhy(ctx.change, ctx.previous, ctx.next, form.now, context?.timeZone ?? "UTC", form.historyFrom ?? null, form.firstData ?? null));
  if (before && after && ctx.change) {
    if (!(before.from < before.to)) problems.push("The before period ends before it starts.");
    if (!(after.from < after.to)) problems.push("The after period ends before it starts.");
    if (before.to > ctx.change.validFrom) problems.push("The before period must end by the change.");
    if (after.from < ctx.change.validFrom) problems.push("The after period must start at the change or later.");
    const lb = before.to - before.from, la = after.to - after.from;
    for (const [which, len] of [["before", lb], ["after", la]] as const) {
      if (len > 0 && len < MIN_PERIOD_MS) problems.push(`The ${which} period is shorter than a day: it leaves hours of the day out, and a few hours of data give a verdict on noise.`);
    }
    if (lb >= MIN_PERIOD_MS && la >= MIN_PERIOD_MS && Math.min(lb, la) < 7 * DAY) notes.push("Periods shorter than a week mix weekdays unevenly (a Saturday weighs more): a week or more on each side compares like with like.");
    if (lb > 0 && la > 0 && Math.abs(lb - la) > HOUR) notes.push("The periods differ in length: figures are compared per period as they are, so prefer equal lengths.");
    if (after.to > form.now) notes.push("The after period runs into the future: the result will change as data arrives.");
    const historyFrom = form.historyFrom ?? null;
    const at = (ts: number) => formatDateTimeZ(ts, context?.timeZone ?? "UTC");
    if (historyFrom !== null && before.from < historyFrom)
      notes.push(`The before period starts ${at(before.from)}, before the store's data begins (${at(form.firstData ?? historyFrom)}): the time without data counts no trips, so its figures cover less than the period says. Start it ${at(historyFrom)} or later.`);
    else if (historyFrom !== null) {
      const unbounded = defaultWindows(ctx.change.validFrom, ctx.previous?.validFrom ?? null, ctx.next?.validFrom ?? null, form.now);
      const bounded = defaultWindows(ctx.change.validFrom, ctx.previous?.validFrom ?? null, ctx.next?.validFrom ?? null, form.now, historyFrom);
      if (unbounded && bounded && bounded.before.from > unbounded.before.from && samePeriod(before, bounded.before) && samePeriod(after, bounded.after))
        notes.push(`The store's data begins ${at(form.firstData ?? historyFrom)}: the periods are ${lengthWords(lb)} each, as long as the data before the change allows.`);
    }
  }
  if (form.zones.length === 0) problems.push("Pick at least one zone of interest.");
  if (context) notes.push(...uncomparableZoneNotes(form, context));
  if (context) problems.push(...controlZoneProblems(form, context));
  if (form.controls.length > 0) notes.push(`With ${form.controls.length} control store${form.controls.length > 1 ? "s" : ""}, the result also gives the difference in differences.`);
  return { problems, notes };
}

/** `1 day`, `3 days`, `2 weeks`: a whole number of days. */
function lengthWords(ms: number): string {
  const days = Math.round(ms / DAY);
  if (days % 7 === 0) return `${days / 7} week${days === 7 ? "" : "s"}`;
  return `${days} day${days === 1 ? "" : "s"}`;
}

/** The body of `POST /api/v1/experiments`; null while the form has problems. */
export function toExperimentInput(form: ExperimentForm, context?: CheckContext): ExperimentInput | null {
  if (checkExperiment(form, context).problems.length > 0 || form.version === null || !form.before || !form.after) return null;
  return {
    name: form.name.trim(),
    testStores: [form.store],
    controlStores: [...form.controls],
    layoutVersion: form.version,
    before: { ...form.before },
    after: { ...form.after },
    zones: [...form.zones],
  };
}

/** Where an experiment stands, in words for the list (core's experimentStage): whether its result is final yet. */
export function stageLabel(e: Pick<Experiment, "before" | "after">, now: number): string {
  const s = experimentStage(e, now);
  switch (s.stage) {
    case "planned":
      return "Planned";
    case "before":
      return "Before period running";
    case "between":
      return "Waiting for the after period";
    case "after":
      return `After period running (${s.passedPercent} %)`;
    case "over":
      return "Over";
  }
}
