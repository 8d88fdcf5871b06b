/**
 * `footfall audit list`: the audit log of admin actions as IT reads it on a shell, a table in the shell's time zone
 * with the Admin > Audit page's columns (when, who, what, on what, store, details), newest first. `--json` prints
 * GET /api/v1/audit's answer as it is; the table writes what others typed (labels, details) through `visible`, so a
 * label cannot drive the terminal or pass for another row. Pure: the page comes from storage (admin/audit's auditPage).
 */
import type { AuditActor, AuditEntry } from "./storage/types.js";
import { visible } from "./terminal-text.js";

/** GET /api/v1/audit's page size: 50 by default, at most 500. */
export const AUDIT_LIMIT_DEFAULT = 50;
export const AUDIT_LIMIT_MAX = 500;

/** Who did it, as the Audit page says it: a token's label, role and id; the CLI's `cli`; the server's own `server`. */
export function whoOf(actor: AuditActor): string {
  return actor.tokenId ? `${actor.label ?? "token"} (${actor.role}, ${actor.tokenId})` : (actor.label ?? "server");
}

/** `ms` as `2026-12-05 03:12:09` in `timeZone`. */
export function localSecond(ms: number, timeZone: string): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat("en-GB", { timeZone, year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23" })
      .formatToParts(ms)
      .map((p) => [p.type, p.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}:${parts.second}`;
}

/**
 * The entries as a table (one line each: every cell through `visible`), and under it, when there are older entries,
 * how to read them (`--before <next>`). `filters` are the other options given and `before` the page's, for the words
 * of an empty page.
 */
export function auditTable(
  page: { entries: readonly AuditEntry[]; next: number | null },
  o: { timeZone: string; filters: readonly string[]; before?: number },
): string {
  if (page.entries.length === 0) {
    const match = o.filters.length > 0 ? ` that match ${visible(o.filters.join(" "))}` : "";
    if (o.before !== undefined) return `no audit entries older than entry ${o.before}${match}\n`;
    return match
      ? `no audit entries${match}\n`
      : "no audit entries yet: admin actions (tokens, agents, layouts, settings, webhooks, ...) are recorded as they are done\n";
  }
  const rows = [
    ["ID", `WHEN (${o.timeZone})`, "WHO", "WHAT", "ON", "STORE", "DETAILS"],
    ...page.entries.map((e) => [String(e.id), localSecond(e.ts, o.timeZone), whoOf(e.actor), e.action, e.target ?? "-", e.store ?? "-", e.details ? JSON.stringify(e.details) : "-"].map(visible)),
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const lines = rows.map((r) =>
    r
      .map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!)))
      .join("  ")
      .trimEnd(),
  );
  if (page.next !== null) lines.push("", `older entries: the same command with --before ${page.next}`);
  return lines.join("\n") + "\n";
}
