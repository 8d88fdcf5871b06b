/**
 * The one statement that forgets a store that never was more than the name its agents were added under
 * (AgentsStore.forgetUnusedStore), on SQLite and PostgreSQL alike: the agents' rows are deleted only when every
 * agent of the store is revoked and was never heard from, and nothing else names the store. One DELETE, so no
 * write can come between the check and the delete.
 */

/** Tables whose rows name a store (column `store`): any row there means the store is more than a mistyped name. */
const NAMING_TABLES = [
  "layouts",
  "events",
  "store_rollups",
  "sales",
  "departments",
  "store_hours",
  "store_hours_versions",
  "alert_rules",
  "webhooks",
  "accuracy_audits",
  "store_group_members",
] as const;

/** The DELETE, its one parameter (the store) written as `p` (SQLite `?1`, PostgreSQL `$1`). */
export function forgetUnusedStoreSql(p: string): string {
  const none = NAMING_TABLES.map((t) => `AND NOT EXISTS (SELECT 1 FROM ${t} WHERE store = ${p})`).join("\n      ");
  return `DELETE FROM agents WHERE store = ${p}
      AND NOT EXISTS (
        SELECT 1 FROM agents a WHERE a.store = ${p} AND (a.revoked_at IS NULL OR a.status_ts IS NOT NULL OR a.last_event_ts IS NOT NULL
          OR a.last_received_at IS NOT NULL OR a.events > 0 OR a.duplicates > 0 OR a.rejects > 0)
      )
      AND NOT EXISTS (SELECT 1 FROM stores WHERE id = ${p})
      AND NOT EXISTS (SELECT 1 FROM tokens WHERE store = ${p} AND revoked_at IS NULL)
      ${none}`;
}
