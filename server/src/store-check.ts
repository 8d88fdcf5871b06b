/**
 * Whether a `--store` a CLI command names is a store of the data folder, and the words of its refusal when it is not.
 * A store is known once it has a layout (saving the first one creates it) or an agent (`footfall agent add` comes
 * before the first layout). A token limited to any other store sees nothing: most likely a typo, so `token add`
 * refuses it unless told the store is being set up (`--new-store`).
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

/** The message refusing `--store <store>` when it is not one of `known` (sorted): the nearest match, the stores there are, and how to mean it. */
export function unknownStoreMessage(store: string, known: readonly string[], where: string): string {
  const nearest = nearestStores(store, known);
  const guess = nearest.length > 0 ? ` Did you mean ${nearest.map((s) => `"${s}"`).join(" or ")}?` : "";
  const list =
    known.length === 0
      ? " There is no store there yet (no layout, no agent)."
      : ` The stores there (with a layout or an agent): ${known.slice(0, 20).join(", ")}${known.length > 20 ? ` and ${known.length - 20} more` : ""}.`;
  return `--store: no store "${store}" in ${where}.${guess}${list} For a store not set up yet (its first saved layout creates it), add --new-store`;
}

/** The stores of the data folder: those with a layout and those with an agent, sorted by id (code-unit order). */
export async function knownStores(storage: Pick<Storage, "stores" | "agents">): Promise<string[]> {
  const ids = new Set([...(await storage.stores.list()).map((s) => s.id), ...(await storage.agents.listAll()).map((a) => a.store)]);
  return [...ids].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}
