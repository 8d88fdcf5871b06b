/**
 * Whether a `--store` a CLI command names is a store of the data folder, and the words of its refusal when it is not.
 * A store is known once it has a layout (saving the first one creates it) or an agent (`footfall agent add` comes
 * before the first layout). A token limited to any other store sees nothing: most likely a typo, so `token add`
 * refuses it unless told the store is being set up (`--new-store`); so do the commands that act on or read what must
 * be there (`agent revoke`, `agent list --store`). The commands that make a store known or configure one ahead of its
 * agents (`agent add`, `agent import`, `broker-config --bridge`) take it, with a note naming the nearest.
 */
import type { Storage } from "./storage/types.js";

/**
 * How many edits turn `a` into `b`: insert, delete or replace one character, or swap two neighbours (the commonest
 * typo, "shpo"), no character edited twice (optimal string alignment distance).
 */
export function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++) {
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, d[i - 2]![j - 2]! + 1);
      d[i]![j] = best;
    }
  return d[a.length]![b.length]!;
}

/**
 * The known stores a mistyped `store` most likely meant: those fewest edits away, if that is at most a third of the
 * id's length (at least 1, at most 3), by id. Empty when none is that close.
 */
export function nearestStores(store: string, known: readonly string[]): string[] {
  const limit = Math.min(3, Math.max(1, Math.floor(store.length / 3)));
  const distances = known.map((id) => [id, editDistance(store, id)] as const).filter(([, d]) => d <= limit);
  if (distances.length === 0) return [];
  const best = Math.min(...distances.map(([, d]) => d));
  return distances
    .filter(([, d]) => d === best)
    .map(([id]) => id)
    .sort();
}

/** What a refusal of an unknown store ends with by default: how to mean a store that is not set up yet (`token add`). */
export const NEW_STORE_NEXT = "For a store not set up yet (its first saved layout creates it), add --new-store";

/** "the stores there (with a layout or an agent): a, b." or that there is none: the tail of every store check's words. */
function storesThere(known: readonly string[]): string {
  return known.length === 0
    ? "There is no store there yet (no layout, no agent)."
    : `The stores there (with a layout or an agent): ${known.slice(0, 20).join(", ")}${known.length > 20 ? ` and ${known.length - 20} more` : ""}.`;
}

/** " Did you mean "x"?" for a mistyped store, or nothing when no known store is close. */
function guessOf(store: string, known: readonly string[]): string {
  const nearest = nearestStores(store, known);
  return nearest.length > 0 ? ` Did you mean ${nearest.map((s) => `"${s}"`).join(" or ")}?` : "";
}

/** `"shpo" (did you mean "shop"?)`: a store named in a list, with its nearest. */
function namedWithGuess(store: string, known: readonly string[]): string {
  const nearest = nearestStores(store, known);
  return `"${store}"${nearest.length > 0 ? ` (did you mean ${nearest.map((n) => `"${n}"`).join(" or ")}?)` : ""}`;
}

/** Up to 20 stores named with their nearest, "and N more" after. */
function namedList(stores: readonly string[], known: readonly string[]): string {
  const named = stores.slice(0, 20).map((s) => namedWithGuess(s, known));
  return `${named.join(", ")}${stores.length > 20 ? ` and ${stores.length - 20} more` : ""}`;
}

/**
 * The message refusing `--store <store>` when it is not one of `known` (sorted): the nearest match, the stores there are,
 * and `next`, what to do instead (by default how to mean a new store). Several stores (`agent list --store a,b`): each
 * with its nearest. `option` names what gave the store (`--bridge paris` for broker-config).
 */
export function unknownStoreMessage(
  store: string | readonly string[],
  known: readonly string[],
  where: string,
  next: string = NEW_STORE_NEXT,
  option = "--store",
): string {
  const stores = typeof store === "string" ? [store] : store;
  const tail = `${storesThere(known)}${next ? ` ${next}` : ""}`;
  if (stores.length === 1) return `${option}: no store "${stores[0]}" in ${where}.${guessOf(stores[0]!, known)} ${tail}`;
  return `${option}: no stores ${namedList(stores, known)} in ${where}. ${tail}`;
}

/** The stores of `stores` that are not in `known`, each once, in the order given. */
export function unknownStores(stores: readonly string[], known: readonly string[]): string[] {
  const there = new Set(known);
  return [...new Set(stores)].filter((s) => !there.has(s));
}

/**
 * The note of a command that makes stores known (`agent add`, `agent import`): those of `stores` new to a folder that has
 * other stores, each perhaps a typo of one of them. `what(plural)` says what the command made of them, `next` how to take
 * it back. Null when every store is known, or when the folder has none (a new installation: nothing to mistype).
 */
export function newStoreNote(
  stores: string | readonly string[],
  known: readonly string[],
  where: string,
  what: (plural: boolean) => string,
  next: string,
): string | null {
  const fresh = unknownStores(typeof stores === "string" ? [stores] : stores, known);
  if (known.length === 0 || fresh.length === 0) return null;
  if (fresh.length === 1) return `note: store "${fresh[0]}" is new in ${where}: ${what(false)}.${guessOf(fresh[0]!, known)} ${storesThere(known)} ${next}`;
  return `note: ${fresh.length} stores new in ${where}: ${namedList(fresh, known)}: ${what(true)}. ${storesThere(known)} ${next}`;
}

/** The stores of the data folder: those with a layout and those with an agent, sorted by id (code-unit order). */
export async function knownStores(storage: Pick<Storage, "stores" | "agents">): Promise<string[]> {
  const ids = new Set([...(await storage.stores.list()).map((s) => s.id), ...(await storage.agents.listAll()).map((a) => a.store)]);
  return [...ids].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}
