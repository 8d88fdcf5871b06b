/**
 * The layout editor's Versions list: which version is in force now, which are saved for later and
 * which are past, with the period each is (or was, or will be) in force. One rule, core's layoutAt
 * (as the API's GET .../layout and the agents read it) and layoutCancel (what may be cancelled).
 */
import { layoutAt, layoutCancel } from "@footfall/core";
import { formatDateTimeZ } from "./format.js";

export type VersionState = "in force" | "scheduled" | "past";

export interface VersionPeriod {
  version: number;
  validFrom: number;
  state: VersionState;
  /** When the next version takes over from it (null: none does, it stays in force). */
  until: number | null;
  /** A version never in force: another takes effect at the same instant (its number), else null. */
  replacedBy: number | null;
  /** What the list says of its period: `from Mon 7 Dec, 09:00 CET, until Thu 10 Dec, 09:00 CET`. */
  text: string;
}

/**
 * Each of `layouts` (any order) at `now`, as the store is in force: the version in force now (core's
 * layoutAt: the latest validFrom at or before now, a store's first before its date too), those saved
 * for later (not in force yet: may be cancelled) and those past, each with the time the next version
 * takes over. Returned in the order given.
 */
export function versionPeriods(layouts: readonly { version: number; validFrom: number }[], now: number, timeZone: string): VersionPeriod[] {
  const ordered = [...layouts].sort((a, b) => a.validFrom - b.validFrom || a.version - b.version);
  const inForce = layoutAt(ordered, now);
  const at = (ts: number) => formatDateTimeZ(ts, timeZone);
  return layouts.map((l) => {
    const i = ordered.findIndex((o) => o.version === l.version);
    const next = ordered[i + 1];
    const until = next ? next.validFrom : null;
    const state: VersionState = ordered[i] === inForce ? "in force" : layoutCancel(ordered, l.version, now) === "cancellable" ? "scheduled" : "past";
    // Replaced at its own instant by a later version: never in force (the first version before its date aside).
    const replacedBy = next && until === l.validFrom && state !== "in force" ? next.version : null;
    let text: string;
    if (replacedBy !== null) text = `from ${at(l.validFrom)}: never in force, v${replacedBy} takes effect at the same time`;
    else if (state === "in force" && l.validFrom > now)
      text = `dated ${at(l.validFrom)}: the store's first version, in force before its date too${until === null ? "" : `, until ${at(until)}`}`;
    else text = `from ${at(l.validFrom)}${until === null ? "" : `${state === "past" ? "" : ","} until ${at(until)}`}`;
    return { version: l.version, validFrom: l.validFrom, state, until, replacedBy, text };
  });
}
