import { useCallback, useSyncExternalStore } from "react";
import { formatHash, parseHash, type Route } from "../model/route.js";

const subscribe = (fn: () => void) => {
  window.addEventListener("hashchange", fn);
  return () => window.removeEventListener("hashchange", fn);
};
const getHash = () => window.location.hash;

/** The current hash route, and navigation to another (replace: without a history entry). */
export function useHashRoute(): [Route, (route: Route, replace?: boolean) => void] {
  const hash = useSyncExternalStore(subscribe, getHash);
  const navigate = useCallback((route: Route, replace = false) => {
    const next = formatHash(route);
    if (next === window.location.hash) return;
    if (replace) {
      window.history.replaceState(null, "", next);
      window.dispatchEvent(new HashChangeEvent("hashchange"));
    } else {
      window.location.hash = next;
    }
  }, []);
  return [parseHash(hash), navigate];
}
