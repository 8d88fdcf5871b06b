import type { Layout } from "@footfall/core";
import type { Services } from "../services.js";
import { httpError } from "./http-errors.js";

/** The store's layout in force now (its layouts loaded); 404 when the store has none. */
export async function knownStore(services: Services, store: string): Promise<Layout> {
  await services.layouts.load(store);
  const layout = services.layouts.current(store, services.now());
  if (!layout) throw httpError(404, `store "${store}" not found or has no layout: GET /api/v1/stores lists the stores`);
  return layout;
}

/** Zone ids of every layout version of the store, whenever in force. */
export function zonesEver(layouts: readonly Layout[]): Set<string> {
  return new Set(layouts.flatMap((l) => l.zones.map((z) => z.id as string)));
}

/** `x` rounded to 6 decimals (sums of money and ratios without float dust such as 0.30000000000000004). */
export const round6 = (x: number): number => Math.round(x * 1e6) / 1e6;
