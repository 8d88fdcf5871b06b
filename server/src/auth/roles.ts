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
