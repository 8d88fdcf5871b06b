import { compareZoneSequences } from "../domain/paths.js";

/**
 * Path alias rules: merge zones into departments for path and funnel reports, e.g.
 * `{ "shoes-1": "shoes", "shoes-2": "shoes" }`. Zones not named keep their own id.
 */
export type ZoneAliases = Record<string, string>;

/** The department of `zone` under `aliases` (own properties only, so "constructor" is not special). */
function aliasOf(zone: string, aliases: ZoneAliases): string {
  return Object.prototype.hasOwnProperty.call(aliases, zone) ? aliases[zone]! : zone;
}

/**
 * A path with each zone replaced by its alias (unmapped zones keep their id) and immediate
 * repeats folded, as paths are (A, A, B becomes A, B): `aliasPath(["shoes-1", "shoes-2", "till"],
 * { "shoes-1": "shoes", "shoes-2": "shoes" })` is `["shoes", "till"]`.
 */
export function aliasPath(zones: readonly string[], aliases: ZoneAliases): string[] {
  const out: string[] = [];
  for (const zone of zones) {
    const name = aliasOf(zone, aliases);
    if (out.length === 0 || out[out.length - 1] !== name) out.push(name);
  }
  return out;
}

/**
 * Path counts after aliasing: paths that become equal are merged (their counts added), and the
 * result is sorted like `pathReport`'s, by count descending, then zone by zone lexically
 * (`compareZoneSequences`). Input is not modified.
 */
export function aliasPathCounts(paths: readonly { zones: readonly string[]; count: number }[], aliases: ZoneAliases): { zones: string[]; count: number }[] {
  const merged = new Map<string, { zones: string[]; count: number }>();
  for (const path of paths) {
    const zones = aliasPath(path.zones, aliases);
    const key = JSON.stringify(zones);
    const entry = merged.get(key);
    if (entry) entry.count += path.count;
    else merged.set(key, { zones, count: path.count });
  }
  return [...merged.values()].sort((a, b) => b.count - a.count || compareZoneSequences(a.zones, b.zones));
}
