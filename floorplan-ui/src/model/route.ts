/**
 * Hash routes: `#/signin`, `#/{view}/{store}?k=v`. The hash keeps the app a single static page the
 * server can serve from `/`, and a kiosk URL can carry its token in the fragment, which never
 * reaches a server log.
 */
export const VIEW_IDS = ["chain", "heatmap", "flows", "funnel", "experiments", "live", "editor", "sales", "agents", "alerts", "admin", "report"] as const;
export type ViewId = (typeof VIEW_IDS)[number];

export type Route =
  | { view: "signin"; params: Record<string, string> }
  | { view: ViewId; store: string | null; params: Record<string, string> };

export function parseHash(hash: string): Route {
  const raw = hash.replace(/^#/, "");
  const [path = "", query = ""] = raw.split("?", 2);
  const params: Record<string, string> = {};
  for (const [k, v] of new URLSearchParams(query)) params[k] = v;
  const parts = path.split("/").filter(Boolean).map(decodeURIComponent);
  const view = parts[0];
  if (view && (VIEW_IDS as readonly string[]).includes(view)) {
    return { view: view as ViewId, store: parts[1] ?? null, params };
  }
  return { view: "signin", params };
}

export function formatHash(route: Route): string {
  const query = new URLSearchParams(Object.entries(route.params).filter(([, v]) => v !== "")).toString();
  const path = route.view === "signin" ? "/signin" : `/${route.view}${route.store ? `/${encodeURIComponent(route.store)}` : ""}`;
  return `#${path}${query ? `?${query}` : ""}`;
}

/** The same route with some params changed (empty string or null removes one). */
export function withParams(route: Route, changes: Record<string, string | null>): Route {
  const params = { ...route.params };
  for (const [k, v] of Object.entries(changes)) {
    if (v === null || v === "") delete params[k];
    else params[k] = v;
  }
  return { ...route, params };
}
