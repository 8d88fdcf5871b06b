/**
 * Ids of stores, agents and zones: lower-case, digits, `_` and `-`, 1..64 characters; not
 * `constructor`, the one such name every JavaScript object already has (`{}["constructor"]` is a
 * function): ids key plain objects on both sides (a zone's traffic, a department's zones), where
 * a zone named so turned the store's traffic into a 500.
 */
export const ID_PATTERN = "^(?!constructor$)[a-z0-9][a-z0-9_-]{0,63}$";
/** How {@link ID_PATTERN} reads in an error message. */
export const ID_RULE = 'use 1-64 characters of a-z, 0-9, "_" or "-", starting with a letter or digit (not "constructor", a name JavaScript reserves)';
const ID_RE = new RegExp(ID_PATTERN);

declare const brand: unique symbol;
type Brand<T, B extends string> = T & { readonly [brand]: B };

export type StoreId = Brand<string, "StoreId">;
export type AgentId = Brand<string, "AgentId">;
export type ZoneId = Brand<string, "ZoneId">;
/** An opaque, anonymous visitor id (never a MAC address or anything that identifies a person). */
export type VisitorId = Brand<string, "VisitorId">;
/** Epoch milliseconds, UTC. */
export type EpochMs = number;

export function isId(value: unknown): value is string {
  return typeof value === "string" && ID_RE.test(value);
}

/** Narrow a checked string to a branded id; throws with the offending value otherwise. */
export function asId<T extends StoreId | AgentId | ZoneId>(value: string, what = "id"): T {
  if (!isId(value)) {
    throw new Error(`invalid ${what} "${value}": ${ID_RULE}`);
  }
  return value as T;
}
