/**
 * The chain view's plain logic: relative changes, sorting and filtering of the overview's stores.
 * No React here, so it is tested directly.
 */
import type { Figures, OverviewStore } from "../api/chain.js";

export const FIGURES = [
  { id: "enters", label: "Enters" },
  { id: "visitors", label: "Visitors" },
  { id: "conversion", label: "Conversion" },
  { id: "averageBasket", label: "Avg basket" },
  { id: "dwellMedianS", label: "Median dwell" },
] as const satisfies readonly { id: keyof Figures; label: string }[];
export type FigureId = (typeof FIGURES)[number]["id"];
export type SortKey = "name" | FigureId | "occupancy" | "health";
export interface Sort {
  key: SortKey;
  dir: "asc" | "desc";
}

/** now / before - 1, or null when there is nothing to compare with. */
export function changeOf(now: number | null, before: number | null): number | null {
  if (now === null || before === null || before === 0) return null;
  return now / before - 1;
}

const HEALTH = { offline: 0, degraded: 1, none: 2, ok: 3 } as const;

function valueOf(s: OverviewStore, key: SortKey): number | string | null {
  if (key === "name") return s.name.toLowerCase();
  if (key === "occupancy") return s.occupancy;
  if (key === "health") return HEALTH[s.agents.health];
  return s.figures[key];
}

/**
 * Sorted by `key` (nulls last whichever way), ties by name then id. Amounts (the average basket)
 * are compared within a currency only: the stores come by currency (A-Z, none set first), each
 * currency's sorted by the amount, as the server's `sort=averageBasket` orders them.
 */
export function sortStores(stores: readonly OverviewStore[], sort: Sort): OverviewStore[] {
  const dir = sort.dir === "asc" ? 1 : -1;
  const byName = (a: OverviewStore, b: OverviewStore) => a.name.localeCompare(b.name) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  const byCurrency = (a: OverviewStore, b: OverviewStore) => {
    if (sort.key !== "averageBasket") return 0;
    const [x, y] = [a.currency ?? "", b.currency ?? ""];
    return x < y ? -1 : x > y ? 1 : 0;
  };
  return [...stores].sort((a, b) => {
    const x = valueOf(a, sort.key);
    const y = valueOf(b, sort.key);
    if (x === null || y === null) return x === y ? byName(a, b) : x === null ? 1 : -1;
    const currency = byCurrency(a, b);
    if (currency !== 0) return currency;
    if (x !== y) return (x < y ? -1 : 1) * dir;
    return byName(a, b);
  });
}

/** A click on a column: the same column flips its order; another starts descending (ascending for names). */
export function nextSort(current: Sort, key: SortKey): Sort {
  if (current.key === key) return { key, dir: current.dir === "asc" ? "desc" : "asc" };
  return { key, dir: key === "name" ? "asc" : "desc" };
}

/** Stores whose name or id holds `text` (case-insensitive). */
export function filterStores(stores: readonly OverviewStore[], text: string): OverviewStore[] {
  const t = text.trim().toLowerCase();
  return t ? stores.filter((s) => s.name.toLowerCase().includes(t) || s.id.includes(t)) : [...stores];
}
