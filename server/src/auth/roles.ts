import { ROLES, type Role } from "../storage/types.js";

/** The grants each role holds: a route names the grant it needs. */
const GRANTS: Record<Role, readonly Role[]> = {
  viewer: ["viewer"],
  staff: ["staff"],
  merchandiser: ["merchandiser", "viewer"],
  admin: ROLES,
};

/** Whether `role` holds the grant `needed` (or one of them): admin holds all, a merchandiser also a viewer's. */
export function roleAllows(role: Role, needed: Role | readonly Role[]): boolean {
  const grants = GRANTS[role];
  return typeof needed === "string" ? grants.includes(needed) : needed.some((n) => grants.includes(n));
}

export function isRole(value: unknown): value is Role {
  return typeof value === "string" && (ROLES as readonly string[]).includes(value);
}

/**
 * Which role each job gets, and what it then may do: what a refusal of a role that does not exist says, on the
 * command line and in POST /api/v1/tokens' 400 alike (README's "Roles and tokens" says the same). `also`: the grant
 * that lets the job do more, and what.
 */
const ROLE_JOBS: readonly { job: string; role: Role; scope: "store" | "group"; does: string; also?: { role: Role; does: string } }[] = [
  { job: "A store manager", role: "admin", scope: "store", does: "its live view, reports, setup and tokens" },
  { job: "floor staff", role: "staff", scope: "store", does: "live occupancy, acknowledging alerts" },
  { job: "a merchandiser", role: "merchandiser", scope: "store", does: "reports, layouts, departments, experiments" },
  { job: "an area manager", role: "viewer", scope: "group", does: "the reports of the group's stores", also: { role: "admin", does: "to run them too" } },
];

/** A value shown back in a refusal: quoted, and cut short past 40 characters (a hostile value can be long). */
const shownValue = (value: string, quote: "'" | '"') => {
  const cut = [...value].length > 40 ? `${[...value].slice(0, 40).join("")}…` : value;
  return quote === '"' ? JSON.stringify(cut) : `'${cut}'`;
};

/**
 * What is said of a role that does not exist ("manager" is the usual one): the roles there are, and which one each job
 * gets, as README's "Roles and tokens" says; a role in the wrong case or with spaces ("Viewer", " admin"): the one
 * meant. `cli` words the grants as `footfall token add` options (--role admin --store <store>), `api` as the fields of
 * POST /api/v1/tokens' body ("role": "admin", "store": <store>).
 */
export function unknownRoleMessage(value: string, say: "cli" | "api" = "cli"): string {
  const q = say === "cli" ? "'" : '"';
  const grant = (role: Role, scope: "store" | "group") => (say === "cli" ? `--role ${role} --${scope} <${scope}>` : `"role": "${role}", "${scope}": <${scope}>`);
  const roles = ROLES.map((r) => (say === "cli" ? r : `"${r}"`)).join(", ");
  const meant = value.trim().toLowerCase();
  if (isRole(meant)) return `no role ${shownValue(value, q)}: the roles are ${roles}, in lower case: ${say === "cli" ? `--role ${meant}` : `"role": "${meant}"`}`;
  const jobs = ROLE_JOBS.map((j, i) => `${j.job}${i === 0 ? " gets" : ""} ${grant(j.role, j.scope)} (${j.does}${j.also ? `; ${grant(j.also.role, j.scope)} ${j.also.does}` : ""})`);
  return `no role ${shownValue(value, q)}: the roles are ${roles}. ${jobs.join("; ")}`;
}

/** What a token of each role may do, as a refusal says it (ROLE_JOBS' words; admin is never refused for its role). */
const ROLE_MAY: Record<Role, string> = {
  viewer: "which reads the reports, not the live view",
  staff: "which sees the live view, queues, alerts and forecasts (and acknowledges alerts), not the reports",
  merchandiser: "which reads the reports and saves layouts, departments and experiments, not the live view or the setup",
  admin: "which may do everything",
};

/**
 * The 403 of a token whose role may not call a route: which roles may, and what this one is for. "needs viewer" read as
 * if staff were below viewer (staff is beside it: the live view, not the reports), so it names every role that may:
 * 'this token's role "staff" may not do this: it needs a viewer, merchandiser or admin token; this one is staff, which
 * sees the live view, queues, alerts and forecasts (and acknowledges alerts), not the reports'.
 */
export function roleRefusalMessage(role: Role, needed: Role | readonly Role[]): string {
  const may = ROLES.filter((r) => roleAllows(r, needed));
  const list = may.length > 1 ? `${may.slice(0, -1).join(", ")} or ${may[may.length - 1]}` : may.join("");
  const a = /^[aeiou]/.test(list) ? "an" : "a";
  return `this token's role "${role}" may not do this: it needs ${a} ${list} token; this one is ${role}, ${ROLE_MAY[role]}`;
}
