import {
  AGENT_PROBLEM_WORDS,
  backlogWarns,
  clockOffWarns,
  formatClockOffset,
  INPUT_STALLED_AFTER_MS,
  lagCaughtUp,
  lagWarns,
  refusingDetail,
  silentAfterMs,
  SLOW_LAG_MS,
  SOURCE_DOWN_AFTER_MS,
  stalledDetail,
  type AgentBacklog,
  type AgentInput,
  type AgentProblem,
  type AgentRecentInput,
} from "@footfall/core";
import { formatAgo, formatCount, formatLag } from "./format.js";

/** What an agent said it held at its last status (GET .../agents `backlog`). */
export type Backlog = AgentBacklog;

/** The amber thresholds: core's (agent-attention.ts), so GET /api/v1/agents?problems=1 flags the same agents. */
export { SLOW_BACKLOG_MS, SLOW_LAG_MS } from "@footfall/core";

/**
 * The Agents view's Backlog cell: the events an agent held, not yet settled, when it sent its last
 * status (every 30 s while connected; an offline agent's is the last it sent before the outage).
 */
export function backlogCell(b: Backlog | null | undefined): { text: string; title: string; warn: boolean } {
  const asOf = "Events the agent held, not yet settled by the server, at its last status (Last status).";
  if (!b) return { text: "–", title: "The agent has not said what it holds (no status yet, or an agent older than this server).", warn: false };
  const dropped = b.outboxDropped ? ` · ${formatCount(b.outboxDropped)} dropped` : "";
  const droppedTitle = b.outboxDropped ? ` Its full outbox dropped ${formatCount(b.outboxDropped)} of its oldest unsent events.` : "";
  if (b.queued === 0) return { text: `none${dropped}`, title: asOf + droppedTitle, warn: backlogWarns(b) };
  const age = b.oldestQueuedAgeMs;
  const oldest = age === null ? "" : `, oldest ${formatLag(age)}`;
  return { text: `${formatCount(b.queued)}${oldest}${dropped}`, title: asOf + droppedTitle, warn: backlogWarns(b) };
}

/** Past this offset an agent's clock is flagged when the server does not say its own (FOOTFALL_CLOCK_WARN_MS). */
export { DEFAULT_CLOCK_WARN_MS } from "@footfall/core";
/** `offsetMs` in words ("12 s ahead"): core's, so `footfall agent list` says the same. */
export { formatClockOffset };

/**
 * The Agents view's Clock cell: the agent's clock minus the server's, measured by the server from the
 * agent's live status messages (GET .../agents `clockOffsetMs`), amber past `warnMs` with what to check.
 */
export function clockCell(offsetMs: number | null | undefined, warnMs: number): { text: string; title: string; warn: boolean; hint: string | null } {
  if (offsetMs === null || offsetMs === undefined || !Number.isFinite(offsetMs))
    return { text: "–", title: "Not measured yet: the server measures the agent's clock from its status messages as they arrive (every 30 s while it is connected), once two of them agree.", warn: false, hint: null };
  const text = formatClockOffset(offsetMs);
  const about = `The agent's clock is ${text === "in step" ? "in step with" : `${text} of`} the server's, measured from its status messages once two received 20 s or more apart agree (those a broker held while the server was away do not count).`;
  if (!clockOffWarns(offsetMs, warnMs)) return { text, title: `${about} Flagged past ${Math.round(warnMs / 1000)} s.`, warn: false, hint: null };
  const effect =
    offsetMs > 0
      ? "Its events carry times that much later than they happened: more than 5 minutes ahead and the server rejects them (in the future)."
      : "Its events carry times that much earlier than they happened: more than the events' maximum age behind and the server rejects them (too old). A server behind on its messages (see Lag) makes statuses arrive late and look behind too.";
  return {
    text,
    title: `${about} ${effect} Dwell and paths between this agent's zones and other agents' are skewed. Check the time service on the agent's machine: timedatectl (NTP synchronized: yes), chronyc tracking, or its NTP server.`,
    warn: true,
    hint: "check NTP",
  };
}

/**
 * The Agents view's Lag cell: how late the agent's newest event arrived (GET .../agents `lagMs`:
 * when the server received it minus when it happened), amber past {@link SLOW_LAG_MS}. A late
 * delivery the agent has caught up with says "caught up" instead, not amber: a status sent after it
 * (`lastStatusTs` at or after the delivery, `lastEventTs + lagMs`) said the agent was online and held
 * nothing unsent. That is history sent late (the demo's back-fill, an outbox emptied after an
 * outage, a counter's stored hours): no delay now, while the figure would stay, amber, until the
 * agent's next event (a store closed overnight: all night).
 */
export function lagCell(a: { lagMs: number | null; lastEventTs: number | null; lastStatusTs: number | null; state: string; backlog?: Backlog | null }): { text: string; title: string; warn: boolean } {
  const what = "How late the newest event reached the server: when it arrived minus when it happened.";
  if (a.lagMs === null || !Number.isFinite(a.lagMs)) return { text: "–", title: "No event received yet.", warn: false };
  if (a.lagMs > SLOW_LAG_MS && lagCaughtUp(a))
    return {
      text: "caught up",
      title: `${what} Its newest events arrived ${formatLag(a.lagMs)} after they happened, all at once: history sent late (a back-fill, or an outbox emptied after an outage). A status since said it held nothing unsent, so nothing is late now.`,
      warn: false,
    };
  return { text: formatLag(a.lagMs), title: what, warn: lagWarns(a) };
}

/**
 * The Agents view's line under an online agent's state when the server flags it silent (GET .../agents
 * `problems`, core's agentProblems, judged by the server's clock): nothing heard from it, no status and
 * no event, for 3 of its status intervals. Null when it is not silent.
 */
export function silentNote(
  a: { problems?: readonly AgentProblem[] | null; lastHeardAt?: number | null; statusEveryMs?: number | null },
  now: number,
): { text: string; title: string } | null {
  if (!a.problems?.includes("silent")) return null;
  const heard = a.lastHeardAt ?? null;
  const every = a.statusEveryMs ?? null;
  return {
    text: heard === null ? "silent: never heard live" : `silent: last heard ${formatAgo(heard, now)}`,
    title:
      `It says online, but the server has heard nothing from it (no status, no event) for over ${formatLag(silentAfterMs(every))}: 3 of its status intervals (${every === null ? "every 30 s, the default" : `every ${formatLag(every)}, as it says`}). ` +
      "Its process may hang, or have died while the server could not hear its goodbye (a server restart, a broker that lost its last will). Check it runs (systemctl status footfall-edge, its log). " +
      "If every agent is silent, the server is not hearing the broker: GET /api/v1/health.",
  };
}

/**
 * The line under an online agent's state when the server flags its source stalled (GET .../agents
 * `problems`, core's "stalled"): "input stalled: no frame for 3 min", or "input stalled: source
 * restarting for 2 min (5 restarts)", as of its last status. Null when it is not stalled.
 */
export function stalledNote(a: { problems?: readonly AgentProblem[] | null; state: string; kind: string; input?: AgentInput | null }): { text: string; title: string } | null {
  if (!a.problems?.includes("stalled")) return null;
  const detail = stalledDetail(a);
  const limit = INPUT_STALLED_AFTER_MS[a.kind];
  return {
    text: detail === null ? AGENT_PROBLEM_WORDS.stalled : `${AGENT_PROBLEM_WORDS.stalled}: ${detail}`,
    title:
      `Its process runs and sends its status, but its source gives it nothing to count: ${limit === undefined ? "" : `no ${a.input?.unit ?? "input"} for over ${formatLag(limit)}, or `}its source failing and restarting for over ${formatLag(SOURCE_DOWN_AFTER_MS)} (as its last status said). ` +
      "No visitors are counted meanwhile. Check the device and its link (a camera's stream URL and network, a counter's cable), and the agent's log (journalctl -u footfall-edge).",
  };
}

/**
 * The line under an online agent's state when the server flags it refusing its input (GET .../agents
 * `problems`, core's "refusing"): "refusing input: 37% of what it read in the last 10 min (120 of 324)",
 * as of its last status; what it refused, by reason, is under the Rejects column. Null when not flagged.
 */
export function refusingNote(a: { problems?: readonly AgentProblem[] | null; state: string; recentInput?: AgentRecentInput | null }): { text: string; title: string } | null {
  if (!a.problems?.includes("refusing")) return null;
  const detail = refusingDetail(a);
  return {
    text: detail === null ? AGENT_PROBLEM_WORDS.refusing : `${AGENT_PROBLEM_WORDS.refusing}: ${detail}`,
    title:
      "Its process runs, but its source refuses much of what it reads (as its last status said): those lines, pushes or gateway records are not counted. " +
      "The Rejects column says why (unreadable lines, refused pushes, ...) and what to check: the counter's patterns and baud rate, the sensor's secret and mapping, the gateways' format. The agent's log names each (journalctl -u footfall-edge).",
  };
}
