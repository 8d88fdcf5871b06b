import { createChainApi } from "../api/chain.js";
import { storeNothingCounted } from "../model/chain.js";
import type { NotCountedSpan } from "../model/not-counted.js";
import { useSession } from "../session.js";
import { useQ } from "./useQ.js";

const HOUR = 3_600_000;

/**
 * Whether nothing is counted now at `store` (every zone of its layout not counted, its agents offline), for an analytics
 * view whose range reaches the present (`live`): its heading then says "Not counted since 17:34 CET (cam-1 offline)" as
 * the live and chain views do, not only "Updated 17:36" over an hour that just looks low. Read from GET /overview (the
 * chain view's store row, this store's alone: notCounted and zoneCount, which every reader of the analytics views may read; the live
 * occupancy is staff's) over the current hour, asked again with each refresh of the figures (`updatedAt`). Null while
 * something counts, for a past range, or when the answer cannot be had (the figures say the rest).
 */
export function useNothingCounted(store: string, live: boolean, updatedAt: number | null | undefined): NotCountedSpan | null {
  const { api } = useSession();
  const to = Math.ceil((updatedAt ?? 0) / HOUR) * HOUR;
  const q = useQ(["overview-counted", store, updatedAt ?? null], (signal) => createChainApi(api.token).overview({ from: to - HOUR, to, store }, signal), { enabled: live && updatedAt != null });
  const row = live ? q.data?.stores.find((s) => s.id === store) : undefined;
  return row ? storeNothingCounted(row) : null;
}
