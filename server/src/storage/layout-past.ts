import { pastVersionAt, scheduledAt } from "@footfall/core";
import type { LayoutPastVersion, LayoutScheduledAt, LayoutVersion } from "./types.js";

/**
 * Whether a save at `validFrom` would take the place of a past version (or of the one in force) for ever (core
 * pastVersionAt): the refusal, with the version that replaced that one by `now` (none: still in force), else undefined.
 * validFrom 0 is no instant but "since always" (a store's layout for all its history): never refused. Both storages run
 * it in the save's transaction, so a version saved at the same instant meanwhile is seen.
 */
export function pastVersionRefusal(versions: readonly LayoutVersion[], validFrom: number, now: number): LayoutPastVersion | undefined {
  if (validFrom <= 0 || validFrom > now) return undefined;
  const past = pastVersionAt(versions, validFrom, now);
  if (!past) return undefined;
  const until = versions.filter((v) => v.validFrom > past.validFrom && v.validFrom <= now).sort((a, b) => a.validFrom - b.validFrom || b.version - a.version)[0];
  return { outcome: "past version", past: { version: past.version, validFrom: past.validFrom }, until: until ? { version: until.version, validFrom: until.validFrom } : null };
}

/**
 * Whether a version saved for later takes effect at `validFrom` (after `now`; core scheduledAt): a version saved then
 * would leave it never in force, so the route replaces it instead (as ?replaces= would). Both storages run it in the
 * save's transaction, so a version saved at the same future instant meanwhile (two saves at once) is seen, not kept
 * beside the new one never in force.
 */
export function scheduledAtRefusal(versions: readonly LayoutVersion[], validFrom: number, now: number): LayoutScheduledAt | undefined {
  if (validFrom <= now) return undefined;
  const scheduled = scheduledAt(versions, validFrom, now);
  return scheduled ? { outcome: "scheduled at", scheduled: { version: scheduled.version, validFrom: scheduled.validFrom } } : undefined;
}

/**
 * The instant a 409 'past version' suggests instead (the save refused at `past`'s very instant): one where the past
 * version was still in force, after its validFrom and before `until` (the version that replaced it) or by `now`, so that
 * a save there is accepted and the past version stays in force until it. The first whole minute there (a time typed in
 * the editor is one), else the first whole second (two versions begun less than a minute apart: the next whole minute
 * could be the later one's very instant, refused again), else the next millisecond; null when there is no such instant
 * (the next version began the millisecond after).
 */
export function laterInstant({ past, until }: Pick<LayoutPastVersion, "past" | "until">, now: number): number | null {
  const end = until ? until.validFrom : now + 1;
  for (const step of [60_000, 1_000, 1]) {
    const at = Math.floor(past.validFrom / step) * step + step;
    if (at < end) return at;
  }
  return null;
}
