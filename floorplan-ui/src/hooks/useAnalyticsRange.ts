import { useEffect, useMemo, useState } from "react";
import type { Layout } from "@footfall/core";
import type { ViewProps } from "../App.js";
import { useQ } from "./useQ.js";
import { useSession } from "../session.js";
import { withParams } from "../model/route.js";
import { dayOf, isLive, rangeFromParams, type Preset } from "../model/range.js";

/** How often a range that reaches the present ("today", "last 7 days") is fetched again. */
export const REFRESH_MS = 60_000;

/**
 * The range in the route (in the store's time zone, learnt from its current layout) and the layout
 * that was valid at the end of that range, which is the one the analytics were computed against.
 */
export function useAnalyticsRange({ store, route, navigate }: ViewProps) {
  const { api } = useSession();
  const [now, setNow] = useState(() => Date.now());
  const current = useQ(["layout", store], (signal) => api.layout(store, undefined, signal));
  const timeZone = current.data?.timezone ?? "UTC";
  const { preset, range } = useMemo(() => rangeFromParams(route.params, now, timeZone), [route.params, now, timeZone]);
  const at = Math.min(range.to - 1, now);
  const needsOlder = !!current.data && at < current.data.validFrom;
  const older = useQ<Layout | null>(["layout", store, needsOlder ? at : 0], (signal) => api.layout(store, at, signal), { enabled: needsOlder });
  const layout = needsOlder ? (older.data ?? undefined) : current.data;
  const layoutState = needsOlder ? older : current;
  // A range that reaches the present refreshes by itself (not while the tab is hidden), and says when it last did.
  const live = isLive(range, now);
  useEffect(() => {
    if (!live) return;
    const t = setInterval(() => {
      if (!document.hidden) setNow(Date.now());
    }, REFRESH_MS);
    return () => clearInterval(t);
  }, [live]);
  return {
    now,
    /** When the figures were asked for; shown as "updated at" on ranges that refresh. */
    updatedAt: live ? now : null,
    live,
    refresh: () => setNow(Date.now()),
    timeZone,
    preset,
    range,
    layout,
    layoutStatus: layoutState.status,
    layoutError: layoutState.error,
    reloadLayout: current.reload,
    ready: !!current.data,
    setPreset: (p: Preset) =>
      navigate(
        withParams(route, p === "custom" ? { range: "custom", from: dayOf(range.from, timeZone), to: dayOf(Math.max(range.from, range.to - 1), timeZone) } : { range: p, from: null, to: null }),
      ),
    setDays: (first: string, last: string) => navigate(withParams(route, { range: "custom", from: first, to: last })),
    set: (changes: Record<string, string | null>) => navigate(withParams(route, changes), true),
  };
}
