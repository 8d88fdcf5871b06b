import { useEffect, useMemo, useRef } from "react";
import { queuesApi, type LiveQueuesResponse } from "../api/queues.js";
import { queueFiguresBehind } from "../model/queues.js";
import { useSession } from "../session.js";
import { useQ, type AsyncState } from "./useQ.js";

export const QUEUES_POLL_MS = 5000;

/** At most one read of the queue figures a second when the live push runs ahead of them. */
export const QUEUES_CATCH_UP_MS = 1000;

/**
 * A store's live queue figures, read every 5 seconds and at once when the live push shows another
 * number of people in a queue zone than they account for (at most once a second). One read for the
 * live view: its queue tiles and its alert banner's "now" figures are the same numbers.
 */
export function useLiveQueues(store: string, occupancy: { zones: readonly { zone: string; occupancy: number }[] } | null | undefined, hasQueues: boolean): AsyncState<LiveQueuesResponse | undefined> {
  const { api } = useSession();
  const client = useMemo(() => queuesApi(api.token), [api.token]);
  const q = useQ(["queues-live", store], (signal) => client.live(store, signal), { enabled: hasQueues, refetchInterval: QUEUES_POLL_MS });
  const lastCatchUp = useRef(0);
  const { reload } = q;
  const behind = queueFiguresBehind(q.data?.queues, occupancy?.zones);
  useEffect(() => {
    if (!behind || Date.now() - lastCatchUp.current < QUEUES_CATCH_UP_MS) return;
    lastCatchUp.current = Date.now();
    reload();
  }, [behind, occupancy, reload]);
  return q;
}
