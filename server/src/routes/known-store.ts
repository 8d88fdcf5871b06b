import type { Layout } from "@footfall/core";

/** Zone ids of every layout version of the store, whenever in force. */
export function zonesEver(layouts: readonly Layout[]): Set<string> {
  return new Set(layouts.flatMap((l) => l.zones.map((z) => z.id as string)));
}

/** `x` rounded to 6 decimals (sums of money and ratios without float dust such as 0.30000000000000004). */
export const round6 = (x: number): number => Math.round(x * 1e6) / 1e6;
