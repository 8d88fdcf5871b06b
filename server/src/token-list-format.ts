/**
 * `footfall token list` as a table: id, role, store (or group), state, created, expires and last used in UTC to the
 * minute, label. A label is free text anyone with an admin token typed (API, UI, `token add --label`): it is written
 * through `visible`, so an ESC sequence or a newline in one neither drives the terminal nor makes a line that reads
 * as another token. `--json` prints the labels exactly.
 */
import { stateOf } from "./routes/tokens.js";
import type { TokenInfo } from "./storage/types.js";
import { visible } from "./terminal-text.js";

const isoMinute = (ms: number | null) => (ms === null ? "-" : new Date(ms).toISOString().slice(0, 16).replace("T", " "));

/** The tokens as a table at `now` (their state), one line each; what to do when there is none. */
export function tokenTable(tokens: readonly TokenInfo[], now: number): string {
  const rows = [
    ["ID", "ROLE", "STORE", "STATE", "CREATED (UTC)", "EXPIRES (UTC)", "LAST USED (UTC)", "LABEL"],
    ...tokens.map((t) => [t.id, t.role, t.store ?? (t.group !== null ? `group ${t.group}` : "(all)"), stateOf(t, now), isoMinute(t.createdAt), isoMinute(t.expiresAt), isoMinute(t.lastUsedAt), visible(t.label ?? "")]),
  ];
  if (tokens.length === 0) return "no tokens yet: create one with `footfall token add --role viewer`\n";
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join("  ").trimEnd()).join("\n") + "\n";
}
