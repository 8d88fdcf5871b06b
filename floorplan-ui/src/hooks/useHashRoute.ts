import { useCallback, useEffect, useSyncExternalStore } from "react";
import { formatHash, parseHash, type Route } from "../model/route.js";

/**
 * Leaving a view that holds unsaved work (the layout editor's draft): the view names the question
 * with `useLeaveGuard`, and every way out of it asks it first, with the browser's confirm. A link
 * (the header's views) is stopped before the address changes; `navigate` (the store picker) and
 * Sign out ask through `mayLeave`; the Back and Forward buttons and a typed address, which change
 * the address before anyone can ask, are put back to the view's when the answer is no. Reloading
 * or closing the tab is the view's own `beforeunload`.
 */
let question: string | null = null;
/** The user agreed to leave: asked once, not again by each step of the same way out. */
let leaving = false;
/** The hash the app shows; a hash change the user declined is put back to it. */
let shown = typeof window === "undefined" ? "" : window.location.hash;
const listeners = new Set<() => void>();
function show(hash: string) {
  shown = hash;
  for (const fn of listeners) fn();
}

/** Whether the app may leave the view it shows (true when nothing is unsaved, else the user's answer). */
export function mayLeave(): boolean {
  if (question === null || leaving) return true;
  if (!window.confirm(question)) return false;
  leaving = true;
  return true;
}

/** While `ask` is a question, leaving the view asks it first (see above). */
export function useLeaveGuard(ask: string | null): void {
  useEffect(() => {
    if (ask === null) return;
    question = ask;
    leaving = false;
    return () => {
      if (question === ask) question = null;
      leaving = false;
    };
  }, [ask]);
}

if (typeof window !== "undefined") {
  window.addEventListener("hashchange", () => {
    const next = window.location.hash;
    if (next === shown) return;
    if (!mayLeave()) {
      window.history.replaceState(null, "", shown);
      return;
    }
    show(next);
  });
  // In the capture phase, before the browser follows the link: a declined link leaves no history entry.
  document.addEventListener(
    "click",
    (e) => {
      const a = (e.target as Element | null)?.closest?.("a[href^='#']");
      if (!a || e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
      if (a.getAttribute("href") !== window.location.hash && !mayLeave()) e.preventDefault();
    },
    true,
  );
}

const subscribe = (fn: () => void) => {
  listeners.add(fn);
  return () => void listeners.delete(fn);
};
const getHash = () => shown;

/** The current hash route, and navigation to another (replace: without a history entry). */
export function useHashRoute(): [Route, (route: Route, replace?: boolean) => void] {
  const hash = useSyncExternalStore(subscribe, getHash);
  const navigate = useCallback((route: Route, replace = false) => {
    const next = formatHash(route);
    if (next === window.location.hash) return;
    // A redirect (replace) does not leave a view the user is working in; a move to another view or store asks.
    if (!replace && !mayLeave()) return;
    if (replace) {
      window.history.replaceState(null, "", next);
      show(next);
    } else {
      window.location.hash = next;
    }
  }, []);
  return [parseHash(hash), navigate];
}
