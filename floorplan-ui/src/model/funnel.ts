/**
 * Funnels: the ordered steps a person picks (zones, or departments when zones are merged by the
 * store's alias rules), kept in the URL so a funnel can be shared, changed through named actions;
 * and the rows and bucket series drawn from the server's funnel report.
 */
import { slotHasData, type Coverage, type Layout } from "@footfall/core";
import type { Departments, FunnelBy, FunnelReport, FunnelStep } from "../api/types.js";
import { formatRate } from "./format.js";
import { notCountedHours } from "./traffic.js";

export type StepMode = "zones" | "departments";

export interface FunnelPick {
  mode: StepMode;
  steps: string[];
  by: FunnelBy;
  /** The steps picked in the other mode, kept so that switching back brings them back. */
  other?: string[];
}

export type FunnelAction =
  | { type: "addStep"; step: string }
  | { type: "removeStep"; index: number }
  | { type: "moveStep"; index: number; by: -1 | 1 }
  | { type: "setMode"; mode: StepMode }
  | { type: "setBy"; by: FunnelBy }
  | { type: "clear" };

/** A funnel needs at least two steps to have a drop-off; more than eight is unreadable. */
export const MIN_STEPS = 2;
export const MAX_STEPS = 8;

export function funnelReducer(state: FunnelPick, action: FunnelAction): FunnelPick {
  switch (action.type) {
    case "addStep":
      if (state.steps.includes(action.step) || state.steps.length >= MAX_STEPS) return state;
      return { ...state, steps: [...state.steps, action.step] };
    case "removeStep":
      return { ...state, steps: state.steps.filter((_, i) => i !== action.index) };
    case "moveStep": {
      const to = action.index + action.by;
      if (action.index < 0 || action.index >= state.steps.length || to < 0 || to >= state.steps.length) return state;
      const steps = [...state.steps];
      [steps[action.index], steps[to]] = [steps[to]!, steps[action.index]!];
      return { ...state, steps };
    }
    case "setMode": {
      // Zone ids and department names are different things: switching shows the other mode's steps, and keeps these for later.
      if (action.mode === state.mode) return state;
      const { other, ...rest } = state;
      return { ...rest, mode: action.mode, steps: other ?? [], ...(state.steps.length ? { other: state.steps } : {}) };
    }
    case "setBy":
      return { ...state, by: action.by };
    case "clear":
      return { ...state, steps: [] };
  }
}

const BYS: readonly FunnelBy[] = ["none", "hour", "day"];

/** The pick in a route's params: `steps=a,b,c&alias=1&by=hour`. */
export function pickFromParams(params: Record<string, string>): FunnelPick {
  const list = (v: string | undefined) => {
    const steps = (v ?? "").split(",").map((s) => s.trim()).filter(Boolean);
    return steps.filter((s, i) => steps.indexOf(s) === i).slice(0, MAX_STEPS);
  };
  const other = list(params.other);
  return {
    mode: params.alias === "1" ? "departments" : "zones",
    steps: list(params.steps),
    by: (BYS as readonly string[]).includes(params.by ?? "") ? (params.by as FunnelBy) : "none",
    ...(other.length ? { other } : {}),
  };
}

export function pickToParams(pick: FunnelPick): Record<string, string | null> {
  return {
    steps: pick.steps.length ? pick.steps.join(",") : null,
    alias: pick.mode === "departments" ? "1" : null,
    by: pick.by === "none" ? null : pick.by,
    other: pick.other?.length ? pick.other.join(",") : null,
  };
}

export interface StepOption {
  id: string;
  label: string;
  /** Already a step of the funnel. */
  picked: boolean;
  /** Why it cannot be a step (a zone only a door counter sees), or null. */
  unavailable: string | null;
}

/** Why a zone seen only by a door counter is no funnel step: nobody is followed through it. */
export const DOOR_ONLY = "counted at the door only: no trip is followed through it";

/**
 * What can be a step: the layout's zones (entrances first, checkouts last) or the departments.
 * Zones a door counter counts but nobody is tracked in (`doorOnly`) are offered but unavailable.
 */
export function stepOptions(pick: FunnelPick, layout: Pick<Layout, "zones"> | undefined, departments: Departments | undefined, doorOnly: ReadonlySet<string> = new Set()): StepOption[] {
  if (pick.mode === "departments") {
    return Object.keys(departments ?? {})
      .sort((a, b) => a.localeCompare(b))
      .map((d) => ({ id: d, label: d, picked: pick.steps.includes(d), unavailable: null }));
  }
  const order = (kind: string) => (kind === "entrance" ? 0 : kind === "checkout" ? 2 : 1);
  return [...(layout?.zones ?? [])]
    .sort((a, b) => order(a.kind) - order(b.kind) || a.name.localeCompare(b.name))
    .map((z) => ({ id: z.id, label: z.name, picked: pick.steps.includes(z.id), unavailable: doorOnly.has(z.id) ? DOOR_ONLY : null }));
}

/**
 * The names the funnel's not-counted notes give an outage's zones (GET .../funnel's `outages.zones`,
 * zone ids), in what the steps are: each zone by its name (`zoneName`) with zones as steps; with
 * departments as steps, a department's zones under the department's name, "Fresh (Fruit & veg and
 * Bakery)", where its first zone comes, and a zone in no department by its own name. Departments
 * not loaded yet: the zones' names.
 */
export function outageStepNames(zones: readonly string[], mode: StepMode, zoneName: (zone: string) => string, departments: Departments | undefined, departmentName: (name: string) => string = (d) => d): string[] {
  if (mode === "zones" || !departments) return zones.map(zoneName);
  const departmentOf = new Map<string, string>();
  for (const [name, members] of Object.entries(departments)) for (const z of members) departmentOf.set(z, name);
  const groups = new Map<string, string[]>();
  for (const zone of zones) {
    const key = departmentOf.has(zone) ? `d:${departmentOf.get(zone)!}` : `z:${zone}`;
    groups.set(key, [...(groups.get(key) ?? []), zone]);
  }
  return [...groups].map(([key, members]) => {
    const names = members.map(zoneName);
    if (key.startsWith("z:")) return names[0]!;
    const list = names.length === 1 ? names[0]! : `${names.slice(0, -1).join(", ")} and ${names.at(-1)!}`;
    return `${departmentName(key.slice(2))} (${list})`;
  });
}

/** Why the funnel cannot be asked for yet, or null. */
export function pickProblem(pick: FunnelPick): string | null {
  if (pick.steps.length === 0) return `Pick the steps in order, starting with the first place shoppers reach (at least ${MIN_STEPS}).`;
  if (pick.steps.length < MIN_STEPS) return "Add at least one more step: a funnel shows how many go on from one step to the next.";
  return null;
}

export interface FunnelRow {
  step: string;
  label: string;
  reached: number;
  /** Share of the first step's trips that reached this one (1 for the first); null when no trip reached the first (0 of 0 is no share). */
  rate: number | null;
  /** Share of the previous step's trips that went on to this one (null for the first, and when none reached the previous). */
  stepRate: number | null;
  /** How many of the previous step's trips did not reach this one (0 for the first). */
  dropOff: number;
  /** Share of every trip in the store in the range that reached this step in order (the server's shareOfTrips; null when it leaves it out). */
  ofAll: number | null;
}

/**
 * Rows of the funnel with names. The server's `dropOff` is counted at the step people leave
 * (reached here minus reached at the next); a row shows it where they are missing, so it is
 * recomputed from `reached`, as are rates the server leaves out. A share of no trip is null, not
 * the 0 the server answers for 0 of 0 (nobody at the first step, a range before the store's
 * figures): "–" on screen and an empty CSV cell, as the per-hour or per-day completion has it.
 */
export function funnelRows(steps: readonly FunnelStep[], label: (step: string) => string): FunnelRow[] {
  const first = steps[0]?.reached ?? 0;
  return steps.map((s, i) => {
    const prev = i > 0 ? steps[i - 1]!.reached : null;
    return {
      step: s.step,
      label: label(s.step),
      reached: s.reached,
      rate: first > 0 ? (s.rate ?? s.reached / first) : null,
      stepRate: i === 0 || !prev ? null : (s.stepRate ?? s.reached / prev),
      dropOff: prev === null ? 0 : Math.max(0, prev - s.reached),
      ofAll: typeof s.shareOfTrips === "number" && Number.isFinite(s.shareOfTrips) ? s.shareOfTrips : null,
    };
  });
}

export interface BucketSeries {
  /** Bucket labels along the x axis. */
  labels: string[];
  /** Per step, the trips that reached it in each bucket; null where the bucket has no data. */
  series: { step: string; label: string; values: (number | null)[] }[];
  /** Per bucket, the share of the first step's trips that reached the last step (null with none, or no data). */
  completion: (number | null)[];
  /** Per bucket, its open hours a zone was counted by no agent (GET .../funnel's outages), 0 where none or no data: shaded amber, as the traffic chart's. */
  notCounted: number[];
}

/**
 * Each bucket's start and end (epoch ms): a bucket ends where the next begins (a day of 23 or 25
 * hours too), the last at the range's end (at most an hour, or 25 hours, after its start).
 */
export function bucketSpans(starts: readonly number[], by: Exclude<FunnelBy, "none">, rangeTo: number): { start: number; end: number }[] {
  const span = by === "hour" ? 3_600_000 : 25 * 3_600_000;
  return starts.map((start, i) => ({ start, end: Math.min(starts[i + 1] ?? rangeTo, rangeTo, start + span) }));
}

/**
 * Whether each bucket of a funnel series holds data: not one that ends before the store's first
 * figures or starts after now (core's slotHasData). The server answers 0 trips there; that is
 * "no data", not 0. Every bucket has data without `coverage` (not known yet).
 */
export function bucketsWithData(buckets: readonly { start: string }[], by: Exclude<FunnelBy, "none">, rangeTo: number, coverage?: Coverage | null): boolean[] {
  if (!coverage) return buckets.map(() => true);
  return bucketSpans(buckets.map((b) => Date.parse(b.start)), by, rangeTo).map((b) => slotHasData(b.start, b.end, coverage));
}

/** The funnel per hour or day as series per step; labels in the store's time zone; no data (null) where `bucketsWithData` says so. */
export function bucketSeries(report: FunnelReport, by: Exclude<FunnelBy, "none">, label: (step: string) => string, timeZone: string, range?: { to: number }, coverage?: Coverage | null): BucketSeries {
  const buckets = report.buckets ?? [];
  const fmt = new Intl.DateTimeFormat("en-GB", by === "hour" ? { timeZone, weekday: "short", hour: "2-digit", minute: "2-digit" } : { timeZone, weekday: "short", day: "numeric", month: "short" });
  const steps = report.steps.map((s) => s.step);
  const has = bucketsWithData(buckets, by, range?.to ?? Infinity, range ? coverage : null);
  // Each bucket's hours nobody counted a zone, as the CSV's not_counted_hours (none where the bucket has no data).
  const notCounted = notCountedHours(bucketSpans(buckets.map((b) => Date.parse(b.start)), by, range?.to ?? Infinity), report.outages);
  return {
    notCounted: notCounted.map((h, i) => (has[i] ? h : 0)),
    labels: buckets.map((b) => fmt.format(new Date(b.start))),
    series: steps.map((step) => ({ step, label: label(step), values: buckets.map((b, i) => (has[i] ? (b.steps.find((x) => x.step === step)?.reached ?? 0) : null)) })),
    completion: buckets.map((b, i) => {
      const first = b.steps[0]?.reached ?? 0;
      const last = b.steps.at(-1)?.reached ?? 0;
      return has[i] && first > 0 ? last / first : null;
    }),
  };
}

/**
 * Zones a door counter counted people in but nobody was followed in during the range (their
 * `/traffic` enters, yet no `/dwell` visit): a funnel step there is never reached.
 */
export function doorOnlyZones(enters: ReadonlyMap<string, number>, dwell: readonly { zone: string; visits: number }[]): Set<string> {
  const visits = new Map(dwell.map((d) => [d.zone, d.visits]));
  return new Set([...enters].filter(([z, n]) => n > 0 && (visits.get(z) ?? 0) === 0).map(([z]) => z));
}

/**
 * The funnel's headline, "13 % of those at the first step reached the last", or null when it
 * has no such share: no data in the range, or no trip at the first step (never "0.0 %" for 0 of 0).
 */
export function completionText(rows: readonly Pick<FunnelRow, "rate">[] | null, noData: boolean): string | null {
  const last = rows?.at(-1);
  if (noData || !last || last.rate === null) return null;
  return `${formatRate(last.rate)} of those at the first step reached the last`;
}
