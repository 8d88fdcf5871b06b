import { useCallback, useSyncExternalStore } from "react";
import { useSession } from "../session.js";
import type { LiveSnapshot } from "./liveStore.js";

/** The live occupancy of one store; re-renders only when that store's snapshot changes. */
export function useLive(store: string): LiveSnapshot {
  const { live } = useSession();
  const subscribe = useCallback((fn: () => void) => live.subscribe(store, fn), [live, store]);
  const get = useCallback(() => live.getSnapshot(store), [live, store]);
  return useSyncExternalStore(subscribe, get);
}
