/**
 * The live scene for floor staff: store and zone occupancy against capacity, each with a state in
 * words as well as colour (ok, busy from 80 %, full from 100 %), and alerts for anything over capacity.
 */
import { polygonCentroid, type FloorPoint, type Layout, type Occupancy, type ZoneKind } from "@footfall/core";

export type CapacityState = "ok" | "busy" | "full" | "none";
export const BUSY_AT = 0.8;

export const STATE_STYLE: Record<CapacityState, { word: string; fill: string; ink: string; soft: string }> = {
  ok: { word: "OK", fill: "#16a34a", ink: "#ffffff", soft: "#dcfce7" },
  busy: { word: "Busy", fill: "#d97706", ink: "#ffffff", soft: "#fef3c7" },
  full: { word: "Full", fill: "#dc2626", ink: "#ffffff", soft: "#fee2e2" },
  none: { word: "No limit", fill: "#94a3b8", ink: "#0f172a", soft: "#f1f5f9" },
};

/** ok below 80 % of capacity, busy from 80 %, full from 100 %; none without a capacity. */
export function capacityState(occupancy: number, capacity: number | null | undefined): CapacityState {
  if (capacity === null || capacity === undefined) return "none";
  if (capacity <= 0) return occupancy > 0 ? "full" : "ok";
  const ratio = occupancy / capacity;
  return ratio >= 1 ? "full" : ratio >= BUSY_AT ? "busy" : "ok";
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
}

export interface LiveScene {
  total: number;
  /** The store's capacity: the sum of its zones' capacities (null when no zone has one). */
  capacity: number | null;
  state: CapacityState;
  ratio: number | null;
  zones: LiveZone[];
  /** One line per zone, or the store, above capacity: `Fruit & veg: 5 of 4`. */
  alerts: string[];
}

/**
 * The store's capacity is the sum of the capacities set on its zones: zones do not overlap, so
 * their limits add up. Null when none is set, so the view says "no limit" rather than inventing one.
 */
export function storeCapacity(zones: readonly { capacity: number | null }[]): number | null {
  const set = zones.filter((z) => z.capacity !== null);
  return set.length ? set.reduce((s, z) => s + z.capacity!, 0) : null;
}

export function liveScene(layout: Pick<Layout, "zones">, occupancy: Occupancy | null): LiveScene {
  const byZone = new Map((occupancy?.zones ?? []).map((z) => [z.zone as string, z]));
  const zones = layout.zones.map((z): LiveZone => {
    const o = byZone.get(z.id);
    const occ = o?.occupancy ?? 0;
    const capacity = o ? o.capacity : (z.capacity ?? null);
    return {
      id: z.id,
      name: z.name,
      kind: z.kind,
      polygon: z.polygon,
      centroid: polygonCentroid(z.polygon),
      occupancy: occ,
      capacity,
      state: capacityState(occ, capacity),
      ratio: capacity ? occ / capacity : null,
    };
  });
  const total = occupancy?.total ?? 0;
  const capacity = storeCapacity(zones);
  const alerts: string[] = [];
  if (capacity !== null && total > capacity) alerts.push(`Whole store: ${total} of ${capacity}`);
  for (const z of zones) if (z.capacity !== null && z.occupancy > z.capacity) alerts.push(`${z.name}: ${z.occupancy} of ${z.capacity}`);
  return { total, capacity, state: capacityState(total, capacity), ratio: capacity ? total / capacity : null, zones, alerts };
}
