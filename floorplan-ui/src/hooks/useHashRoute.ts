import { useCallback, useEffect, useSyncExternalStore } from "react";
import { formatHash, parseHash, type Route } from "../model/route.js";

/**
 * Leaving a view that holds unsaved work (the layout editor's draft): the view names the question
 * with `useLeaveGuard`, and every way out of it asks it first, with the browser's confirm. A link
 * (the header's views) is stopped before the address changes; `navigate` (the store picker) and
 * Sign out ask through `mayLeave`; the Back and Forward buttons and a typed address, which change
 * the address before anyone can ask, are put back to the view's when the answer is no: Back and
 * Forward by going as many steps the other way (each history entry of the app carries its position,
 * `history.state.ffIdx`), so the history stays as it was and the next Back asks again and leads
 * where it led; a typed address by putting the view's address in its place. Reloading or closing
 * the tab is the view's own `beforeunload`.
 */
let question: string | null = null;
/** The user agreed to leave: asked once, not again by each step of the same way out. */
let leaving = false;
/** The hash the app shows; a hash change the user declined is put back to it. */
let shown = typeof window === "undefined" ? "" : window.location.hash;
/** The position in the tab's history of the entry the app shows (see `stamp`). */
let position = 0;
const listeners = new Set<() => void>();
/** An entry's position, when the app has been on it before (null: a new one, from a link, a typed address or `location.hash =`). */
const positionOf = (state: unknown): number | null => {
  const n = (state as { ffIdx?: unknown } | null)?.ffIdx;
  return typeof n === "number" ? n : null;
};
/** Marks the current entry with its position, so that going back or forth to it tells how far it is. */
const stamp = (hash?: string) => (hash === undefined ? window.history.replaceState({ ffIdx: position }, "") : window.history.replaceState({ ffIdx: position }, "", hash));
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
  position = positionOf(window.history.state) ?? 0;
  stamp();
  window.addEventListener("hashchange", () => {
    const next = window.location.hash;
    if (next === shown) return;
    const to = positionOf(window.history.state);
    if (!mayLeave()) {
      // Back or Forward: step back to the view's entry (its hashchange then finds `shown`). A new
      // entry: the view's address in its place.
      if (to !== null && to !== position) window.history.go(position - to);
      else {
        position = to ?? position + 1;
        stamp(shown);
      }
      return;
    }
    position = to ?? position + 1;
    if (to === null) stamp(next);
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
      stamp(next);
      show(next);
    } else {
      window.location.hash = next;
    }
  }, []);
  return [parseHash(hash), navigate];
}
