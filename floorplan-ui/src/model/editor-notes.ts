/**
 * The layout editor's words about when a version is in force: the note under “Valid from” when a later
 * version would take over from the one being saved, and the message after a save. Pure: the versions
 * listed, the times and now in, the text out.
 */
import { formatDateTimeZ } from "./format.js";
import { supersededBy } from "./editor.js";

interface Version {
  version: number;
  validFrom: number;
}

/**
 * Two instants as the editor shows them, with seconds when they would read alike to the minute: the
 * Versions list shows version 2 "from 02:05" when it started at 02:05:17, and a note that said it starts
 * "later, from 02:05" beside a “Valid from” of 02:05 read as nonsense.
 */
function twoTimes(a: number, b: number, timeZone: string): [string, string] {
  const seconds = formatDateTimeZ(a, timeZone) === formatDateTimeZ(b, timeZone);
  return [formatDateTimeZ(a, timeZone, { seconds }), formatDateTimeZ(b, timeZone, { seconds })];
}

/** How long after `from` `to` is, in words for a note: `a few seconds`, `3 min`, `2 h 05 min`, `4 days`. */
function gapWords(ms: number): string {
  if (ms < 60_000) return "a few seconds";
  const min = Math.floor(ms / 60_000);
  if (min < 60) return `${min} min`;
  if (min < 48 * 60) return `${Math.floor(min / 60)} h${min % 60 ? ` ${String(min % 60).padStart(2, "0")} min` : ""}`;
  return `${Math.floor(min / 1440)} days`;
}

/**
 * The note when a version saved from `validFrom` would not be the layout in force: `taken`, the first
 * version after it (`supersededBy`), takes over. Said for what is true: "takes effect later" only for a
 * version not in force yet; one already in force "has been in force since" (past tense for the past),
 * one replaced since by another "took effect ... and version N has been in force since".
 */
export function supersededNote(versions: readonly Version[], taken: Version, validFrom: number, now: number, timeZone: string): string {
  const [typed, at] = twoTimes(validFrom, taken.validFrom, timeZone);
  if (taken.validFrom > now) {
    return `Version ${taken.version} takes effect later, from ${at}: this version would be in force only until then, and the store would go back to version ${taken.version} after it. To make this the current layout, choose a time from then on.`;
  }
  const inForce = [...versions].filter((v) => v.validFrom <= now).sort((a, b) => b.validFrom - a.validFrom)[0];
  const after = `${gapWords(taken.validFrom - validFrom)} after the time you typed (${typed})`;
  const span = `this version would be in force only in between, in the past, and not now`;
  const head =
    inForce && inForce.version === taken.version
      ? `Version ${taken.version} has been in force since ${at}, ${after}: ${span}; the store stays on version ${taken.version}.`
      : `Version ${taken.version} took effect on ${at}, ${after}${inForce ? `, and version ${inForce.version} has been in force since ${formatDateTimeZ(inForce.validFrom, timeZone)}` : ""}: ${span}.`;
  return `${head} To make this the current layout, choose a later time (now, say).`;
}

/**
 * The message after a new version is saved (not one saved for later: that one says "scheduled"): when it
 * applies and between which versions, since a version saved from a past time is in force only until the
 * next one ("Saved as version 4." alone did not say it changed nothing now). `versions`: the others.
 */
export function savedText(versions: readonly Version[], saved: Version, now: number, timeZone: string): string {
  const next = supersededBy(
    versions.filter((v) => v.version !== saved.version),
    saved.validFrom,
  );
  const from = formatDateTimeZ(saved.validFrom, timeZone);
  if (next === null) return `Saved as version ${saved.version}, in force now (from ${from}).`;
  const [, until] = twoTimes(saved.validFrom, next.validFrom, timeZone);
  if (next.validFrom > now) {
    return saved.validFrom > now - 60_000 && saved.validFrom <= now
      ? `Saved as version ${saved.version}, in force now until version ${next.version} takes effect on ${until}.`
      : `Saved as version ${saved.version}, in force from ${from}, now too, until version ${next.version} takes effect on ${until}.`;
  }
  return `Saved as version ${saved.version}, in force from ${from} until version ${next.version} on ${until}: a past span, whose figures are now read on it. The layout in force now is unchanged.`;
}
