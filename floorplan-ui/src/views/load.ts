import type { ViewId } from "../model/route.js";

/**
 * Each view is a chunk of its own. `main.tsx` starts loading the one in the address bar right
 * away, so it arrives while the token is being checked instead of after.
 */
export const loadView = {
  chain: () => import("./Chain.js"),
  heatmap: () => import("./Heatmap.js"),
  flows: () => import("./Flows.js"),
  funnel: () => import("./Funnel.js"),
  experiments: () => import("./Experiments.js"),
  sales: () => import("./Sales.js"),
  live: () => import("./Live.js"),
  editor: () => import("./Editor.js"),
  agents: () => import("./Agents.js"),
  admin: () => import("./Admin.js"),
  report: () => import("./Report.js"),
  alerts: () => import("./Alerts.js"),
} satisfies Record<ViewId, () => Promise<{ default: unknown }>>;
