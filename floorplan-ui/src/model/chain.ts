/**
 * The chain view's plain logic: relative changes, sorting and filtering of the overview's stores.
 * No React here, so it is tested directly.
 */
import { defaultDirection, overviewOrder, type OverviewSort, type SortDirection } from "@footfall/core";
import type { Figures, OverviewStore } from "../api/chain.js";

export { changeOf } from "@footfall/core";

export const FIGURES = [
  { id: "enters", label: "Enters" },
  { id: "visitors", label: "Visitors" },
  { id: "conversion", label: "Conversion" },
  { id: "averageBasket", label: "Avg basket" },
  { id: "dwellMedianS", label: "Median dwell" },
] as const satisfies readonly { id: keyof Figures; label: string }[];
export type FigureId = (typeof FIGURES)[number]["id"];
export type SortKey = Extract<OverviewSort, "name" | FigureId | "occupancy" | "health">;
export interface Sort {
  key: SortKey;
  dir: SortDirection;
}

/** Sorted by `key` as the server's `sort` orders them (core's `overviewOrder`: nulls last, ties by name, baskets within a currency). */
export function sortStores(stores: readonly OverviewStore[], sort: Sort): OverviewStore[] {
  return [...stores].sort(overviewOrder(sort.key, sort.dir));
}

/** A click on a column: the same column flips its order; another starts descending (ascending for names). */
export function nextSort(current: Sort, key: SortKey): Sort {
  if (current.key === key) return { key, dir: current.dir === "asc" ? "desc" : "asc" };
  return { key, dir: defaultDirection(key) };
}

/** Stores whose name or id holds `text` (case-insensitive). */
export function filterStores(stores: readonly OverviewStore[], text: string): OverviewStore[] {
  const t = text.trim().toLowerCase();
  return t ? stores.filter((s) => s.name.toLowerCase().includes(t) || s.id.includes(t)) : [...stores];
}
