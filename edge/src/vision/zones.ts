/**
 * Zone membership with hysteresis, per track (pure): a track enters a zone after `minFramesIn`
 * consecutive frames with its floor point inside, and leaves after `minFramesOut` consecutive
 * frames outside, so that someone standing on a boundary does not flap in and out.
 */
import { pointInPolygon } from "@footfall/core";

type Pt = readonly [number, number];
export interface ZoneShape {
  id: string;
  polygon: readonly Pt[];
}
export interface HysteresisOptions {
  minFramesIn: number;
  minFramesOut: number;
}
/** Per zone: whether the track counts as inside, and how many frames in a row disagreed. */
export type Membership = Readonly<Record<string, { inside: boolean; streak: number }>>;

export interface ZoneStep {
  membership: Membership;
  entered: string[];
  exited: string[];
}

/**
 * One frame for one track. `point` null (the foot is off the calibrated floor) counts as outside
 * every zone. Zones missing from `zones` (the layout changed) are left at once.
 */
export function stepZones(prev: Membership, point: Pt | null, zones: readonly ZoneShape[], o: HysteresisOptions): ZoneStep {
  const membership: Record<string, { inside: boolean; streak: number }> = {};
  const entered: string[] = [];
  const exited: string[] = [];
  for (const zone of zones) {
    const was = prev[zone.id] ?? { inside: false, streak: 0 };
    const raw = point !== null && pointInPolygon(point, zone.polygon);
    if (raw === was.inside) {
      membership[zone.id] = { inside: was.inside, streak: 0 };
      continue;
    }
    const streak = was.streak + 1;
    if (streak >= (raw ? o.minFramesIn : o.minFramesOut)) {
      membership[zone.id] = { inside: raw, streak: 0 };
      (raw ? entered : exited).push(zone.id);
    } else membership[zone.id] = { inside: was.inside, streak };
  }
  for (const [id, m] of Object.entries(prev)) {
    if (m.inside && !(id in membership)) exited.push(id);
  }
  return { membership, entered, exited };
}

/** Zones a track is inside of (to exit them all when the track ends). */
export function zonesInside(m: Membership): string[] {
  return Object.entries(m)
    .filter(([, v]) => v.inside)
    .map(([k]) => k);
}
