/**
 * Which of a store's layout versions is in force when, one rule for the API (GET .../layout), the
 * ingest (an event's zone is checked against the layout in force at its time) and what the server
 * publishes to the store's agents (the layout in force now, again when a scheduled version takes effect).
 */

/** What the rule reads of a layout version. */
export interface LayoutVersionTime {
  validFrom: number;
}

/**
 * The layout in force at `ts`: the latest version (by validFrom, then version) with validFrom <= ts;
 * before the first version, the first one. `layouts` must be ordered by validFrom then version, as
 * storage's `stores.layouts` returns them.
 */
export function layoutAt<L extends LayoutVersionTime>(layouts: readonly L[], ts: number): L | undefined {
  let found: L | undefined = layouts[0];
  for (const l of layouts) {
    if (l.validFrom <= ts) found = l;
    else break;
  }
  return found;
}

/**
 * When the layout in force after `now` next changes (a version scheduled for later takes effect):
 * the first validFrom after `now` of a version after the first, or null when none is scheduled. The
 * first version is in force before its validFrom too, so its own validFrom changes nothing.
 * `layouts` ordered as for {@link layoutAt}.
 */
export function nextLayoutChange(layouts: readonly LayoutVersionTime[], now: number): number | null {
  for (let i = 1; i < layouts.length; i++) if (layouts[i]!.validFrom > now) return layouts[i]!.validFrom;
  return null;
}

/** Whether a layout version may be cancelled at `now` (see {@link layoutCancel}). */
export type LayoutCancelCheck = "cancellable" | "in force" | "past" | "unknown";

/**
 * Whether version `version` of `layouts` (ordered as for {@link layoutAt}) may be cancelled at
 * `now`: only a version saved for later, not yet in force ("cancellable"); never the version in force
 * (a store's first is in force before its validFrom too) nor one whose validFrom is past (history
 * is kept), so cancelling never changes the layout in force at any time up to `now`.
 */
export function layoutCancel<L extends LayoutVersionTime & { version: number }>(layouts: readonly L[], version: number, now: number): LayoutCancelCheck {
  const v = layouts.find((l) => l.version === version);
  if (!v) return "unknown";
  if (layoutAt(layouts, now) === v) return "in force";
  return v.validFrom <= now ? "past" : "cancellable";
}

/** The versions of `layouts` (in any order) that may be cancelled at `now` ({@link layoutCancel}): those saved for later, by validFrom. */
export function scheduledVersions(layouts: readonly (LayoutVersionTime & { version: number })[], now: number): number[] {
  const ordered = [...layouts].sort((a, b) => a.validFrom - b.validFrom || a.version - b.version);
  return ordered.filter((l) => layoutCancel(ordered, l.version, now) === "cancellable").map((l) => l.version);
}

/**
 * The version saved for later (cancellable at `now`, see {@link layoutCancel}) that takes effect at
 * exactly `validFrom`, or null. A save at that instant replaces it (PUT .../layout): of two versions
 * dated alike the later saved is in force from then, so the earlier would never be. `layouts` in any order.
 */
export function scheduledAt<L extends LayoutVersionTime & { version: number }>(layouts: readonly L[], validFrom: number, now: number): L | null {
  const ordered = [...layouts].sort((a, b) => a.validFrom - b.validFrom || a.version - b.version);
  return ordered.find((l) => l.validFrom === validFrom && layoutCancel(ordered, l.version, now) === "cancellable") ?? null;
}

/**
 * The version a save at `validFrom` would take the place of in the past: when a version takes effect at exactly
 * `validFrom`, at or before `now`, the one in force at that instant ({@link layoutAt}), else null. A version saved
 * then would be in force wherever that one was (of two dated alike the later saved is), so the past version, which
 * was in force and whose figures were counted on it, would be in force at no instant: PUT .../layout refuses it
 * (history is kept). A later instant, even a past one, is a new version from then (that one stays in force until it).
 * `layouts` in any order.
 */
export function pastVersionAt<L extends LayoutVersionTime & { version: number }>(layouts: readonly L[], validFrom: number, now: number): L | null {
  if (validFrom > now || !layouts.some((l) => l.validFrom === validFrom)) return null;
  return layoutAt([...layouts].sort((a, b) => a.validFrom - b.validFrom || a.version - b.version), validFrom) ?? null;
}

/** A zone id one of a store's layout versions has had: its name and version where it was last (latest by validFrom, then version). */
export interface ZoneUsed {
  id: string;
  name: string;
  version: number;
  validFrom: number;
}

/**
 * Every zone id the store's layout versions (any order) have had, by id, each with the name and the
 * version it had last. A zone's history (visits, dwell, paths, experiments) is kept under its id, so a new
 * zone is given an id none of them had ({@link zoneIdFromName}); a zone removed comes back only by its id
 * chosen on purpose.
 */
export function zonesUsed(layouts: readonly (LayoutVersionTime & { version: number; zones: readonly { id: string; name: string }[] })[]): ZoneUsed[] {
  const ordered = [...layouts].sort((a, b) => a.validFrom - b.validFrom || a.version - b.version);
  const last = new Map<string, ZoneUsed>();
  for (const l of ordered) for (const z of l.zones) last.set(z.id, { id: z.id, name: z.name, version: l.version, validFrom: l.validFrom });
  return [...last.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** "constructor" is no id (ID_PATTERN): a name that slugs to it takes a suffix. */
const RESERVED_IDS: ReadonlySet<string> = new Set(["constructor"]);

/**
 * The id a new zone named `name` gets (`Fruit & veg` → `fruit-veg`): the name's slug, else the slug
 * with `-2`, `-3`... when it is `taken` (the draft's other zones, and every id the store's versions had:
 * {@link zonesUsed}), so a new zone named like a removed one starts its own history. Null when the name
 * has no letter or digit to make one of.
 */
export function zoneIdFromName(name: string, taken: ReadonlySet<string>): string | null {
  const base = name.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 60).replace(/-+$/, "");
  if (!base) return null;
  let id = base;
  // At most 64 characters (ID_PATTERN), the suffix kept whole.
  for (let n = 2; taken.has(id) || RESERVED_IDS.has(id); n++) id = `${base.slice(0, 63 - String(n).length).replace(/-+$/, "")}-${n}`;
  return id;
}
