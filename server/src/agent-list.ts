/**
 * The agents of a chain in one file, for `footfall agent import`: CSV with a header naming the
 * columns `store`, `agent` and `kind` (any order, other columns ignored), a JSON array of
 * `{store, agent, kind}`, or JSON Lines of them. Every row is checked before anything is written:
 * a file with a bad row is refused whole, each problem named by its line.
 */
import { AGENT_KINDS, ID_RULE, isId, type AgentKind } from "@footfall/core";

export interface AgentRow {
  store: string;
  agent: string;
  kind: AgentKind;
}

export type AgentListResult = { ok: true; rows: AgentRow[] } | { ok: false; problems: string[] };

const KINDS = new Set<string>(AGENT_KINDS);

/** Reads an agent list; `name` (the file's) decides nothing but appears in messages. */
export function parseAgentList(text: string, name = "the file"): AgentListResult {
  const trimmed = text.replace(/^\uFEFF/, "").trim();
  if (trimmed === "") return { ok: false, problems: [`${name} is empty: give one agent a row (store, agent, kind)`] };
  const raw: { line: number; value: Record<string, unknown> | null }[] = [];
  const problems: string[] = [];
  if (trimmed.startsWith("[")) {
    let value: unknown;
    try {
      value = JSON.parse(trimmed);
    } catch (err) {
      return { ok: false, problems: [`${name}: not valid JSON (${(err as Error).message})`] };
    }
    (value as unknown[]).forEach((v, i) => raw.push({ line: i + 1, value: isObject(v) ? v : null }));
  } else if (trimmed.startsWith("{")) {
    trimmed.split(/\r?\n/).forEach((l, i) => {
      if (l.trim() === "") return;
      try {
        const v: unknown = JSON.parse(l);
        raw.push({ line: i + 1, value: isObject(v) ? v : null });
      } catch {
        problems.push(`${name} line ${i + 1}: not a JSON object`);
      }
    });
  } else {
    const lines = trimmed.split(/\r?\n/);
    const header = lines[0]!.split(",").map((h) => h.trim().toLowerCase());
    const col = (c: string) => header.indexOf(c);
    const missing = ["store", "agent", "kind"].filter((c) => col(c) < 0);
    if (missing.length)
      return { ok: false, problems: [`${name}: the CSV header (first line) must name the columns store, agent and kind; missing: ${missing.join(", ")}`] };
    lines.slice(1).forEach((l, i) => {
      if (l.trim() === "" || l.trimStart().startsWith("#")) return;
      const cells = l.split(",").map((c) => c.trim());
      raw.push({ line: i + 2, value: { store: cells[col("store")] ?? "", agent: cells[col("agent")] ?? "", kind: cells[col("kind")] ?? "" } });
    });
  }
  const rows: AgentRow[] = [];
  const seen = new Map<string, number>();
  for (const { line, value } of raw) {
    const where = `${name} ${trimmed.startsWith("[") ? "item" : "line"} ${line}`;
    if (!value) {
      problems.push(`${where}: not an object with store, agent and kind`);
      continue;
    }
    const { store, agent, kind } = value;
    const bad: string[] = [];
    if (typeof store !== "string" || !isId(store)) bad.push(`store ${JSON.stringify(store ?? null)} is not an id: ${ID_RULE}`);
    if (typeof agent !== "string" || !isId(agent)) bad.push(`agent ${JSON.stringify(agent ?? null)} is not an id: ${ID_RULE}`);
    if (typeof kind !== "string" || !KINDS.has(kind)) bad.push(`kind ${JSON.stringify(kind ?? null)} is not one of ${AGENT_KINDS.join(", ")}`);
    if (bad.length) {
      problems.push(`${where}: ${bad.join("; ")}`);
      continue;
    }
    const key = `${store as string}/${agent as string}`;
    const first = seen.get(key);
    if (first !== undefined) {
      problems.push(`${where}: agent ${key} is listed twice (first at ${first})`);
      continue;
    }
    seen.set(key, line);
    rows.push({ store: store as string, agent: agent as string, kind: kind as AgentKind });
  }
  if (problems.length) return { ok: false, problems };
  if (rows.length === 0) return { ok: false, problems: [`${name} lists no agent: give one agent a row (store, agent, kind)`] };
  return { ok: true, rows };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
