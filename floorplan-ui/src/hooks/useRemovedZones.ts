import type { Layout } from "@footfall/core";
import { layoutTimesIn, zonesOnlyBefore } from "../model/heatmap.js";
import { useSession } from "../session.js";
import { useQ } from "./useQ.js";

type Zone = Layout["zones"][number];
/** One empty answer, so views that memoise on it do not work again at every render. */
const NONE: readonly Zone[] = [];

/**
 * The zones among `ids` (zones with figures in `range`) that `layout`, the one shown, no longer has,
 * as the layouts in force during the range had them (their names then): so a report or a list of
 * paths names a zone a later version removed as the merchandiser named it. Asks nothing while every
 * id is on `layout`; none meanwhile (the id shows until they arrive).
 */
export function useRemovedZones(store: string, range: { from: number; to: number }, layout: Layout | undefined, ids: readonly string[]): readonly Zone[] {
  const { api } = useSession();
  const missing = layout ? [...new Set(ids)].filter((id) => !layout.zones.some((z) => z.id === id)).sort() : [];
  const older = useQ(
    ["removed-zones", store, range.from, range.to, missing.join(",")],
    async (signal) => {
      const times = layoutTimesIn(await api.layouts(store, signal), range);
      const layouts = await Promise.all(times.map((at) => api.layout(store, at, signal)));
      return zonesOnlyBefore(layout?.zones ?? [], layouts);
    },
    { enabled: missing.length > 0 },
  );
  return missing.length > 0 ? (older.data ?? NONE) : NONE;
}
