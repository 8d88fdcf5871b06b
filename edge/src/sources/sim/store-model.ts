import { pointInPolygon, polygonArea, polygonCentroid, type FloorPoint, type ZoneKind } from "@footfall/core";
import type { Random } from "./prng.js";
import type { DwellSetting, SimSettings } from "./settings.js";

/** The parts of a layout the simulator reads (both a server `Layout` and a `LayoutInput` fit). */
export interface SimLayout {
  timezone: string;
  zones: ReadonlyArray<{ id: string; kind: ZoneKind; polygon: readonly FloorPoint[]; queueFor?: string | undefined }>;
}

/** One zone as the simulator sees it. */
export interface SimZone {
  id: string;
  kind: ZoneKind;
  polygon: readonly FloorPoint[];
  centroid: [number, number];
  area: number;
  bbox: [minX: number, minY: number, maxX: number, maxY: number];
  dwell: DwellSetting;
  attraction: number;
  /** For a zone of kind `queue`: the zone it queues for. */
  queueFor?: string | undefined;
}

const BROWSABLE: ReadonlySet<ZoneKind> = new Set<ZoneKind>(["zone", "fitting-room", "other"]);
/** Distance (m) at which a zone's pull halves. */
const PULL_HALF_DISTANCE_M = 8;
/** A zone already visited this trip keeps this share of its pull. */
const REVISIT_FACTOR = 0.15;

function dwellOf(zone: { id: string; kind: ZoneKind }, area: number, settings: SimSettings): DwellSetting {
  const own = settings.dwell[zone.id];
  if (own) return own;
  const byKind = settings.dwellByKind[zone.kind] ?? { medianS: 60, sigma: 0.6 };
  // Without a per-zone value, bigger zones hold people longer: the median scales with sqrt(area / 30 m²).
  const scale = Math.min(2, Math.max(0.5, Math.sqrt(area / 30)));
  return { medianS: byKind.medianS * scale, sigma: byKind.sigma };
}

/**
 * The store as a weighted zone graph: where visitors come in (the entrance), what they browse
 * (zones, fitting rooms, other), where they pay (checkouts), how long they stay in each zone, and
 * the odds of moving from one zone to another (nearer and more attractive zones are likelier,
 * times the configured `transitions` multipliers).
 */
export class StoreModel {
  readonly zones: SimZone[];
  readonly entrance: SimZone | null;
  readonly checkouts: SimZone[];
  readonly browsable: SimZone[];
  readonly timezone: string;

  constructor(
    layout: SimLayout,
    private readonly settings: SimSettings,
  ) {
    this.timezone = layout.timezone;
    this.zones = layout.zones.map((z) => {
      const area = polygonArea(z.polygon);
      const xs = z.polygon.map((p) => p[0]);
      const ys = z.polygon.map((p) => p[1]);
      return {
        id: z.id,
        kind: z.kind,
        polygon: z.polygon,
        centroid: polygonCentroid(z.polygon),
        area,
        bbox: [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)],
        dwell: dwellOf(z, area, settings),
        attraction: settings.attraction[z.id] ?? (z.kind === "fitting-room" ? 0.2 : 1),
        ...(z.kind === "queue" && z.queueFor !== undefined ? { queueFor: z.queueFor } : {}),
      };
    });
    this.entrance = this.zones.find((z) => z.kind === "entrance") ?? null;
    this.checkouts = this.zones.filter((z) => z.kind === "checkout");
    this.browsable = this.zones.filter((z) => BROWSABLE.has(z.kind));
  }

  /** The queue zone in front of `zone` (a checkout with a waiting line), if the layout has one. */
  queueOf(zone: SimZone): SimZone | undefined {
    return this.zones.find((z) => z.kind === "queue" && z.queueFor === zone.id);
  }

  /** A zone by id. */
  zone(id: string): SimZone | undefined {
    return this.zones.find((z) => z.id === id);
  }

  /** Whether zone `id` is in the layout and one visitors browse (not an entrance, queue or checkout). */
  isBrowsable(id: string): boolean {
    const zone = this.zone(id);
    return zone !== undefined && BROWSABLE.has(zone.kind);
  }

  /** Straight-line distance between two zones' centroids, in metres. */
  distance(a: SimZone, b: SimZone): number {
    return Math.hypot(a.centroid[0] - b.centroid[0], a.centroid[1] - b.centroid[1]);
  }

  /** Simulated seconds to walk from one zone to another. */
  walkSeconds(a: SimZone, b: SimZone): number {
    return this.distance(a, b) / this.settings.walkingSpeed;
  }

  /** The weight of moving from `from` (null: just arrived, no entrance zone) to `to`. */
  weight(from: SimZone | null, to: SimZone, visited: ReadonlySet<string>): number {
    if (from && to.id === from.id) return 0;
    const distance = from ? this.distance(from, to) : 0;
    const proximity = 1 / (1 + distance / PULL_HALF_DISTANCE_M);
    const multiplier = from ? (this.settings.transitions[from.id]?.[to.id] ?? 1) : 1;
    return to.attraction * proximity * multiplier * (visited.has(to.id) ? REVISIT_FACTOR : 1);
  }

  /** The next zone to browse from `from`, or null when there is none. */
  nextBrowse(from: SimZone | null, visited: ReadonlySet<string>, rng: Random): SimZone | null {
    return rng.weighted(this.browsable, (to) => this.weight(from, to, visited));
  }

  /** The checkout to pay at: nearer ones likelier. */
  checkout(from: SimZone, rng: Random): SimZone | null {
    return rng.weighted(this.checkouts, (c) => 1 / (1 + this.distance(from, c) / PULL_HALF_DISTANCE_M));
  }

  /** Whether point `p` is inside `zone`. */
  contains(zone: SimZone, p: readonly [number, number]): boolean {
    const [x0, y0, x1, y1] = zone.bbox;
    if (p[0] < x0 || p[0] > x1 || p[1] < y0 || p[1] > y1) return false;
    return pointInPolygon(p, zone.polygon);
  }

  /** A uniformly random point inside a zone (rejection sampling in its bounding box). */
  randomPoint(zone: SimZone, rng: Random): [number, number] {
    const [x0, y0, x1, y1] = zone.bbox;
    for (let i = 0; i < 50; i++) {
      const p: [number, number] = [rng.between(x0, x1), rng.between(y0, y1)];
      if (pointInPolygon(p, zone.polygon)) return p;
    }
    return zone.centroid;
  }
}
