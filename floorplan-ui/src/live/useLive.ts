import { useCallback, useEffect, useSyncExternalStore } from "react";
import { useSession } from "../session.js";
import type { LiveChannel, LiveSnapshot } from "./liveStore.js";

/**
 * The live occupancy of one store; re-renders only when that store's snapshot changes. `channel` "alerts": the store's
 * alerts-only link instead (every role that reads alerts; its snapshot has alerts and never occupancy).
 */
export function useLive(store: string, channel: LiveChannel = "live"): LiveSnapshot {
  const { live } = useSession();
  const subscribe = useCallback((fn: () => void) => live.subscribe(store, fn, channel), [live, store, channel]);
  const get = useCallback(() => live.getSnapshot(store, channel), [live, store, channel]);
  // A tablet waking from sleep (its screen on again, its Wi-Fi back) checks at once that its link still lives.
  useEffect(() => {
    const wake = () => {
      if (document.visibilityState === "visible") live.wake();
    };
    document.addEventListener("visibilitychange", wake);
    window.addEventListener("online", wake);
    window.addEventListener("pageshow", wake);
    return () => {
      document.removeEventListener("visibilitychange", wake);
      window.removeEventListener("online", wake);
      window.removeEventListener("pageshow", wake);
    };
  }, [live]);
  return useSyncExternalStore(subscribe, get);
}
