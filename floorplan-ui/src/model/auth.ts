import type { ViewId } from "./route.js";

export type Role = "viewer" | "staff" | "admin";
export interface Me {
  role: Role;
  /** The one store the token is limited to, or null for all stores. */
  store: string | null;
}

export interface ViewInfo {
  id: ViewId;
  label: string;
  /** Roles that may open it (admin implies every other role). */
  roles: readonly Role[];
  hint: string;
}

/** Which view each role sees: viewers get analytics, staff the live view, admins everything (DESIGN.md roles). */
export const VIEWS: readonly ViewInfo[] = [
  { id: "heatmap", label: "Heatmap", roles: ["viewer", "admin"], hint: "Zones coloured by visits and dwell" },
  { id: "flows", label: "Flows", roles: ["viewer", "admin"], hint: "Paths and transitions between zones" },
  { id: "funnel", label: "Funnels", roles: ["viewer", "admin"], hint: "How many go on from one step to the next" },
  { id: "experiments", label: "Experiments", roles: ["viewer", "admin"], hint: "Did a layout change work? Before and after, with a verdict" },
  { id: "live", label: "Live", roles: ["staff", "admin"], hint: "Occupancy against capacity, now" },
  { id: "editor", label: "Layout", roles: ["admin"], hint: "Draw zones and save a new layout version" },
  { id: "sales", label: "Sales", roles: ["admin"], hint: "Import sales and map departments to zones" },
  { id: "agents", label: "Agents", roles: ["admin"], hint: "Health of the edge agents" },
];

export function isRole(value: unknown): value is Role {
  return value === "viewer" || value === "staff" || value === "admin";
}

export function viewsFor(role: Role): ViewInfo[] {
  return VIEWS.filter((v) => v.roles.includes(role));
}

export function canSee(role: Role, view: ViewId): boolean {
  return viewsFor(role).some((v) => v.id === view);
}

/** Where a freshly signed-in user lands. */
export function defaultView(role: Role): ViewId {
  return role === "staff" ? "live" : "heatmap";
}
