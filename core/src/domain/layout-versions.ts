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
