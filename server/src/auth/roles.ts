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
 * What `footfall token add --role <value>` says of a role that does not exist ("manager" is the usual one): the roles
 * there are, and which one each job gets, as README's "Roles and tokens" says.
 */
export function unknownRoleMessage(value: string): string {
  return (
    `no role '${value}': the roles are ${ROLES.join(", ")}. A store manager gets --role admin --store <store> (its live view, reports, setup and tokens); ` +
    `floor staff --role staff --store <store> (live occupancy, acknowledging alerts); a merchandiser --role merchandiser --store <store> (reports, layouts, departments, experiments); ` +
    `an area manager --role viewer --group <group> (the reports of the group's stores; --role admin --group <group> to run them too)`
  );
}
