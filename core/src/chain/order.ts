/**
 * The chain overview's order of stores: one rule for the API's `sort` and the chain view's column
 * headers, so that a list sorted by the server and the same list sorted on screen agree.
 */

export const OVERVIEW_SORTS = ["name", "enters", "visitors", "conversion", "averageBasket", "dwellMedianS", "occupancy", "health", "entersVsPrevious", "entersVsLastYear"] as const;
export type OverviewSort = (typeof OVERVIEW_SORTS)[number];
export type SortDirection = "asc" | "desc";

/** What the order reads of a store's row (the overview's store row has all of it). */
export interface OrderedStore {
  id: string;
  name: string;
  currency: string | null;
  occupancy: number;
  agents: { health: "ok" | "degraded" | "offline" | "none" };
  /** Null: no data for the period (the store's figures begin at or after its end): such a store sorts last, as any store without the figure. */
  figures: { enters: number | null; visitors: number | null; conversion: number | null; averageBasket: number | null; dwellMedianS: number | null };
  previous: { enters: number | null };
  lastYear: { enters: number | null };
}

/** now / before - 1, or null when there is nothing to compare with (no figure, or none before). */
export function changeOf(now: number | null, before: number | null): number | null {
  if (now === null || before === null || before <= 0) return null;
  return now / before - 1;
}

/** Names as people read them: case and accents aside, "Berlin 2" before "Berlin 10". */
const NAMES = new Intl.Collator("en", { sensitivity: "base", numeric: true });
const HEALTH_RANK = { offline: 0, degraded: 1, none: 2, ok: 3 } as const;

/** A column's first order: names A-Z, every figure largest first. */
export const defaultDirection = (key: OverviewSort): SortDirection => (key === "name" ? "asc" : "desc");

function valueOf(s: OrderedStore, key: Exclude<OverviewSort, "name">): number | null {
  switch (key) {
    case "occupancy":
      return s.occupancy;
    case "health":
      return HEALTH_RANK[s.agents.health];
    case "entersVsPrevious":
      return changeOf(s.figures.enters, s.previous.enters);
    case "entersVsLastYear":
      return changeOf(s.figures.enters, s.lastYear.enters);
    default:
      return s.figures[key];
  }
}

const byName = (a: OrderedStore, b: OrderedStore) => NAMES.compare(a.name, b.name) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/**
 * A comparator for `Array.prototype.sort`: by `key` in `dir` (default: `defaultDirection`), stores
 * without the figure last whichever the direction, ties by name then id. Amounts (the average
 * basket) are compared within a currency only: the stores come by currency (A-Z, none set first),
 * each currency's by the amount.
 */
export function overviewOrder(key: OverviewSort, dir: SortDirection = defaultDirection(key)): (a: OrderedStore, b: OrderedStore) => number {
  const sign = dir === "asc" ? 1 : -1;
  if (key === "name") return (a, b) => byName(a, b) * sign;
  return (a, b) => {
    const x = valueOf(a, key);
    const y = valueOf(b, key);
    if (x === null || y === null) return x === y ? byName(a, b) : x === null ? 1 : -1;
    if (key === "averageBasket") {
      const [p, q] = [a.currency ?? "", b.currency ?? ""];
      if (p !== q) return p < q ? -1 : 1;
    }
    return x !== y ? (x < y ? -1 : 1) * sign : byName(a, b);
  };
}
