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
