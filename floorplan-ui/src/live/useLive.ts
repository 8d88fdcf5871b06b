import { useCallback, useEffect, useSyncExternalStore } from "react";
import { useSession } from "../session.js";
import type { LiveSnapshot } from "./liveStore.js";

/** The live occupancy of one store; re-renders only when that store's snapshot changes. */
export function useLive(store: string): LiveSnapshot {
  const { live } = useSession();
  const subscribe = useCallback((fn: () => void) => live.subscribe(store, fn), [live, store]);
  const get = useCallback(() => live.getSnapshot(store), [live, store]);
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
