import type { ClusterStatus } from "./status.js";

/** An age in ms as people read it: 850 ms, 4.2 s, 3 min, 2.5 h; "-" when unknown. */
export function age(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return "-";
  const a = Math.abs(ms);
  const sign = ms < 0 ? "-" : "";
  if (a < 1000) return `${sign}${Math.round(a)} ms`;
  if (a < 60_000) return `${sign}${(a / 1000).toFixed(1)} s`;
  if (a < 3_600_000) return `${sign}${Math.round(a / 60_000)} min`;
  return `${sign}${(a / 3_600_000).toFixed(1)} h`;
}

/** Shard numbers as runs: 0-7, 9, 12-13. */
export function runs(shards: readonly number[]): string {
  const sorted = [...shards].sort((a, b) => a - b);
  const out: string[] = [];
  for (let i = 0; i < sorted.length;) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
    out.push(i === j ? String(sorted[i]) : `${sorted[i]}-${sorted[j]}`);
    i = j + 1;
  }
  return out.join(", ");
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return (
    rows
      .map((r) =>
        r
          .map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!)))
          .join("  ")
          .trimEnd(),
      )
      .join("\n") + "\n"
  );
}

/** What a server reports of its ingest backlog (IngestPipeline.backlog) in its heartbeat. */
function backlog(info: Record<string, unknown>): string {
  const b = info.ingest as { messages?: unknown; oldestMs?: unknown } | undefined;
  if (!b || typeof b.messages !== "number") return "-";
  const text = b.messages === 0 ? "0" : `${b.messages} msgs, oldest ${age(typeof b.oldestMs === "number" ? b.oldestMs : null)}`;
  // Shard sessions the stall watchdog reconnected since the server started (ShardedBroker.reconnectStalled).
  const r = (info.stalled as { reconnected?: unknown } | undefined)?.reconnected;
  return typeof r === "number" && r > 0 ? `${text}; ${r} stalled session${r === 1 ? "" : "s"} reconnected` : text;
}

/** `footfall cluster status` as tables: the servers, then (with `leases`) every shard's lease. */
export function formatClusterStatus(s: ClusterStatus, opts: { leases?: boolean } = {}): string {
  if (s.servers.length === 0 && s.leases.every((l) => l.owner === null)) {
    // A server with its embedded broker (no FOOTFALL_MQTT_URL) serves the database alone and never joins: say so, or
    // an admin who sees it running reads "no server" as a fault (its 0 shards said nothing either).
    return (
      `no server has joined the chain yet${s.shards > 0 ? ` (${s.shards} shards)` : ""}: a server joins it only with both FOOTFALL_DATABASE_URL and FOOTFALL_MQTT_URL ` +
      `(an external broker the chain's servers share); one running with its embedded broker serves this database alone and is not listed here\n`
    );
  }
  let out = table([
    ["SERVER", "LIVE", "HEARTBEAT", "SHARDS", "HELD", "OLDEST RENEWAL", "BACKLOG (LAG)", "HTTP"],
    ...s.servers.map((v) => [
      v.id,
      v.live ? "yes" : "NO",
      age(v.heartbeatAgeMs),
      String(v.shards.length),
      runs(v.shards) || "-",
      v.shards.length ? age(v.oldestRenewalAgeMs) : "-",
      backlog(v.info),
      typeof v.info.http === "string" ? v.info.http : "-",
    ]),
  ]);
  out += `${s.shards} shards; ${s.unowned.length === 0 ? "every shard is held" : `not held now: ${runs(s.unowned)} (their messages wait in the broker)`}\n`;
  if (opts.leases) {
    out +=
      "\n" +
      table([
        ["SHARD", "OWNER", "EPOCH", "HELD FOR", "RENEWED", "EXPIRES IN"],
        ...s.leases.map((l) => [
          String(l.shard),
          l.owner ?? "-",
          String(l.epoch),
          age(l.heldForMs),
          l.renewalAgeMs === null ? "-" : `${age(l.renewalAgeMs)} ago`,
          age(l.expiresInMs),
        ]),
      ]);
  }
  return out;
}
