import type { ViewId } from "./route.js";

export type Role = "viewer" | "staff" | "merchandiser" | "admin";
export interface Me {
  role: Role;
  /** The one store the token is limited to, or null for all stores. */
  store: string | null;
  /** The store group the token is limited to (then `store` is null), or null/absent: not limited to a group. */
  group?: string | null;
}

/** Whether the token sees every store: limited neither to a store nor to a group. */
export function seesEveryStore(me: Me): boolean {
  return me.store === null && (me.group ?? null) === null;
}

export interface ViewInfo {
  id: ViewId;
  label: string;
  /** Roles that may open it (admin implies every other role). */
  roles: readonly Role[];
  hint: string;
}

/**
 * Which view each role sees (DESIGN.md roles): viewers get analytics, staff the live view,
 * merchandisers analytics plus the layout editor, new experiments and the Sales view's departments
 * (the sales import there stays an admin's, {@link mayImportSales}), admins everything.
 */
export const VIEWS: readonly ViewInfo[] = [
  { id: "chain", label: "Chain", roles: ["viewer", "merchandiser", "admin"], hint: "Every store side by side, against the previous period and last year" },
  { id: "heatmap", label: "Heatmap", roles: ["viewer", "merchandiser", "admin"], hint: "Zones coloured by visits and dwell" },
  { id: "flows", label: "Flows", roles: ["viewer", "merchandiser", "admin"], hint: "Paths and transitions between zones" },
  { id: "funnel", label: "Funnels", roles: ["viewer", "merchandiser", "admin"], hint: "How many go on from one step to the next" },
  { id: "experiments", label: "Experiments", roles: ["viewer", "merchandiser", "admin"], hint: "Did a layout change work? Before and after, with a verdict" },
  { id: "live", label: "Live", roles: ["staff", "admin"], hint: "Occupancy against capacity, now" },
  { id: "alerts", label: "Alerts", roles: ["staff", "admin"], hint: "Alert rules, opening hours, alert history" },
  { id: "editor", label: "Layout", roles: ["merchandiser", "admin"], hint: "Draw zones and save a new layout version" },
  { id: "sales", label: "Sales", roles: ["merchandiser", "admin"], hint: "Map departments to zones and see the sales recorded; admins import sales here" },
  { id: "agents", label: "Agents", roles: ["admin"], hint: "Health of the edge agents; add, rotate, revoke" },
  { id: "report", label: "Report", roles: ["viewer", "merchandiser", "admin"], hint: "A printable report of any range (save it as PDF)" },
  { id: "admin", label: "Admin", roles: ["admin"], hint: "Tokens, audit log, digests, store settings" },
];

export function isRole(value: unknown): value is Role {
  return value === "viewer" || value === "staff" || value === "merchandiser" || value === "admin";
}

/** Whether the role may create experiments (and save layouts and departments): merchandisers and admins. */
export function mayDesign(role: Role): boolean {
  return role === "merchandiser" || role === "admin";
}

/** Whether the role may import sales (`POST .../sales`, DESIGN.md roles: not a merchandiser's): admins only. */
export function mayImportSales(role: Role): boolean {
  return role === "admin";
}

/**
 * Whether the token may create a store (by saving its first layout, DESIGN.md roles): a merchandiser
 * or admin for every store; one limited to a store or a group may save its stores' layouts only
 * (a new store is in no group: the server refuses it).
 */
export function mayCreateStore(me: Me): boolean {
  return mayDesign(me.role) && seesEveryStore(me);
}

/** Whether the token may create, rename or delete store groups (`POST /api/v1/groups`): an admin of every store (a limited one could widen what others see). */
export function mayChangeGroups(me: Me): boolean {
  return me.role === "admin" && seesEveryStore(me);
}

export function viewsFor(role: Role): ViewInfo[] {
  return VIEWS.filter((v) => v.roles.includes(role));
}

export function canSee(role: Role, view: ViewId): boolean {
  return viewsFor(role).some((v) => v.id === view);
}

/**
 * Why a role may not open a view, in the words of the menu: the view's label and the roles whose
 * token opens it ("The Layout view needs a merchandiser or admin token; this one is staff.").
 */
export function refusedViewText(view: ViewId, role: Role): string {
  const info = VIEWS.find((v) => v.id === view);
  const roles = info ? [...info.roles] : ["admin"];
  const list = roles.length === 1 ? roles[0] : `${roles.slice(0, -1).join(", ")} or ${roles.at(-1)}`;
  const article = /^[aeiou]/.test(list!) ? "an" : "a";
  return `The ${info?.label ?? view} view needs ${article} ${list} token; this one is ${role}. Ask an admin for one, or sign in with it.`;
}

/** Where a freshly signed-in user lands. */
export function defaultView(role: Role): ViewId {
  return role === "staff" ? "live" : "heatmap";
}

/**
 * The token in what was pasted into the sign-in field: the token itself, or the token inside what
 * holds it where people copy it from: `footfall token add`'s JSON line, a kiosk link
 * (`...?kiosk=1&token=ff_...`), an `Authorization: Bearer ff_...` header. Anything else as typed, trimmed.
 */
export function tokenFromPaste(text: string): string {
  const trimmed = text.trim();
  const inside = /(?:"token"\s*:\s*"|[?&]token=|\bBearer\s+)(ff_[A-Za-z0-9_-]+)/i.exec(trimmed);
  return inside ? inside[1]! : trimmed;
}

