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
