/**
 * Flows between zones: transitions as arrows between zone centroids (width following the count),
 * and the first steps of trips from an entrance as Sankey nodes and links, with drop-off.
 */
import { polygonCentroid, type Layout, type PathCount, type TransitionCount, type ZoneId } from "@footfall/core";
import { nameShown } from "./names.js";

export interface FlowArrow {
  from: string;
  to: string;
  count: number;
  /** Start, bend and end in metres: a gentle curve, so A→B and B→A sit side by side. */
  points: [number, number, number, number, number, number];
  /** Stroke width in screen pixels. */
  width: number;
}

export interface ArrowOptions {
  maxArrows: number;
  minWidth: number;
  maxWidth: number;
}
const ARROW_DEFAULTS: ArrowOptions = { maxArrows: 40, minWidth: 1.5, maxWidth: 14 };

/** The `maxArrows` largest transitions between zones on the layout, widths linear in the count. */
export function flowArrows(layout: Pick<Layout, "zones">, transitions: readonly TransitionCount[], options: Partial<ArrowOptions> = {}): FlowArrow[] {
  const o = { ...ARROW_DEFAULTS, ...options };
  const centre = new Map(layout.zones.map((z) => [z.id as string, polygonCentroid(z.polygon)]));
  const drawable = transitions
    .filter((t) => t.from !== t.to && centre.has(t.from) && centre.has(t.to) && t.count > 0)
    .sort((a, b) => b.count - a.count || a.from.localeCompare(b.from) || a.to.localeCompare(b.to))
    .slice(0, o.maxArrows);
  const max = drawable[0]?.count ?? 0;
  return drawable.map((t) => {
    const [x1, y1] = centre.get(t.from)!;
    const [x2, y2] = centre.get(t.to)!;
    const dx = x2 - x1, dy = y2 - y1;
    const len = Math.hypot(dx, dy) || 1;
    const ux = dx / len, uy = dy / len;
    // Leave the zone labels free at both ends, and bend to the right of the direction of travel.
    const trim = Math.min(0.8, len * 0.15);
    const bend = len * 0.12;
    return {
      from: t.from,
      to: t.to,
      count: t.count,
      points: [x1 + ux * trim, y1 + uy * trim, (x1 + x2) / 2 - uy * bend, (y1 + y2) / 2 + ux * bend, x2 - ux * trim, y2 - uy * trim],
      width: max > 0 ? o.minWidth + ((o.maxWidth - o.minWidth) * t.count) / max : o.minWidth,
    };
  });
}

export interface SankeyNode {
  id: string;
  label: string;
  level: number;
  kind: "entrance" | "zone" | "left" | "other";
}
export interface SankeyLink {
  source: string;
  target: string;
  value: number;
}
export interface FirstSteps {
  nodes: SankeyNode[];
  links: SankeyLink[];
  /** Every trip in the range (the API's `trips`), listed paths or not. */
  trips: number;
  /** Trips of the listed paths: those the diagram and the drop-off are drawn from. */
  listed: number;
  /**
   * Whether any trip began in a tracked entrance zone. When none did, the entrance is known only by
   * a door counter: trips begin at the first zone a person was followed in, and how many left right
   * after the entrance cannot be known (the drop-off then starts after the first zone).
   */
  entranceTracked: boolean;
  /**
   * Trips whose first zone was not an entrance (a door counter's zone gets counts, not visits):
   * they start from an implied "Entered the store" node.
   */
  elsewhere: number;
  /** Per step after the entrance: listed trips that went no further, and their share of the listed trips. */
  dropOff: { step: number; left: number; share: number }[];
}

/** The implied first zone of trips that did not start in an entrance zone. */
export const ENTERED = "\u0000entered";

/**
 * The first `depth` steps after the entrance. Every trip starts at its entrance zone, or, when
 * its first zone is not one (doors counted by a counter leave no visit), at an implied "Entered
 * the store". At each step a trip goes on to a zone or has left (its path ends); the `perStep`
 * busiest zones of a step are shown and the rest grouped.
 */
export function firstSteps(layout: Pick<Layout, "zones">, paths: readonly PathCount[], depth = 3, perStep = 6, allTrips?: number): FirstSteps {
  const names = new Map(layout.zones.map((z) => [z.id as string, nameShown(z.name)]));
  const entrances = new Set(layout.zones.filter((z) => z.kind === "entrance").map((z) => z.id as string));
  const startsAtEntrance = (p: PathCount) => p.zones.length > 0 && entrances.has(p.zones[0]!);
  const entranceTracked = paths.some(startsAtEntrance);
  names.set(ENTERED, entranceTracked ? "Entered the store" : "Came in (door counter)");
  const fromEntrance = paths.filter((p) => p.zones.length > 0).map((p) => (startsAtEntrance(p) ? p : { ...p, zones: [ENTERED as ZoneId, ...p.zones] }));
  const elsewhere = paths.filter((p) => p.zones.length > 0 && !startsAtEntrance(p)).reduce((s, p) => s + p.count, 0);
  const listed = fromEntrance.reduce((s, p) => s + p.count, 0);
  const trips = Math.max(listed, allTrips ?? listed);

  // Which zones get their own node at each step: the busiest `perStep`.
  const flowAt = new Map<number, Map<string, number>>();
  for (const p of fromEntrance) {
    for (let step = 1; step <= depth && step < p.zones.length; step++) {
      const at = flowAt.get(step) ?? new Map<string, number>();
      at.set(p.zones[step]!, (at.get(p.zones[step]!) ?? 0) + p.count);
      flowAt.set(step, at);
    }
  }
  const shown = new Map<number, Set<string>>();
  for (const [step, at] of flowAt) {
    shown.set(step, new Set([...at].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).slice(0, perStep).map(([z]) => z)));
  }

  const nodes = new Map<string, SankeyNode>();
  const links = new Map<string, SankeyLink>();
  const left = new Map<number, number>();
  const node = (step: number, zone: string | null): string => {
    const kind: SankeyNode["kind"] = zone === null ? "left" : step === 0 ? "entrance" : shown.get(step)?.has(zone) ? "zone" : "other";
    const id = kind === "left" ? `${step}|left` : kind === "other" ? `${step}|other` : `${step}|${zone}`;
    if (!nodes.has(id)) {
      const label = kind === "left" ? "Left" : kind === "other" ? "Other zones" : (names.get(zone!) ?? zone!);
      nodes.set(id, { id, label, level: step, kind });
    }
    return id;
  };
  for (const p of fromEntrance) {
    let prev = node(0, p.zones[0]!);
    for (let step = 1; step <= depth; step++) {
      const zone = p.zones[step] ?? null;
      const id = node(step, zone);
      const key = `${prev}→${id}`;
      const link = links.get(key) ?? { source: prev, target: id, value: 0 };
      link.value += p.count;
      links.set(key, link);
      if (zone === null) {
        left.set(step, (left.get(step) ?? 0) + p.count);
        break;
      }
      prev = id;
    }
  }
  // Without a tracked entrance nobody can be seen leaving right after it: that step is not reported.
  const dropOff = Array.from({ length: depth }, (_, i) => {
    const step = i + 1;
    const n = left.get(step) ?? 0;
    return { step, left: n, share: listed > 0 ? n / listed : 0 };
  }).filter((d) => entranceTracked || d.step > 1);
  const sorted = [...nodes.values()].sort((a, b) => a.level - b.level || Number(a.kind === "left") - Number(b.kind === "left"));
  return { nodes: sorted, links: [...links.values()], trips, listed, entranceTracked, elsewhere, dropOff };
}

/** One row of the Sankey's table for screen readers: which step the move is, from and to named, and its trips. */
export interface FirstStepRow {
  /** 1: from the entrance to the first zone; 2: from the first zone to the second; ... */
  step: number;
  from: string;
  to: string;
  trips: number;
}

/**
 * The Sankey's links as the rows of its screen-reader table, by step (the level of the node a link
 * reaches), then the most trips first: the same pair of zones at two steps (a trip going Fruit →
 * Entrance → Fruit) is two rows told apart by their step, as the diagram's columns tell them apart.
 */
export function firstStepRows(steps: Pick<FirstSteps, "nodes" | "links">): FirstStepRow[] {
  const byId = new Map(steps.nodes.map((n) => [n.id, n]));
  return steps.links
    .map((l) => ({ step: byId.get(l.target)?.level ?? 0, from: byId.get(l.source)?.label ?? l.source, to: byId.get(l.target)?.label ?? l.target, trips: l.value }))
    .sort((a, b) => a.step - b.step || b.trips - a.trips);
}

/** The words of a step in the table: which move of the trip it is. */
export function stepText(step: number): string {
  return step === 1 ? "Step 1: from the entrance" : `Step ${step}: from zone ${step - 1} to zone ${step}`;
}

/** Top paths with their share of all trips (`allTrips`, else of the trips listed), zone ids turned into names. */
export function namedPaths(layout: Pick<Layout, "zones">, paths: readonly PathCount[], limit = 10, allTrips?: number): { names: string[]; count: number; share: number }[] {
  const names = new Map(layout.zones.map((z) => [z.id as string, nameShown(z.name)]));
  const total = Math.max(allTrips ?? 0, paths.reduce((s, p) => s + p.count, 0));
  return paths.slice(0, limit).map((p) => ({ names: p.zones.map((z) => names.get(z) ?? z), count: p.count, share: total > 0 ? p.count / total : 0 }));
}
