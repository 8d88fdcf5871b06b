import { Type, type Static } from "@sinclair/typebox";

/**
 * (this project) What an agent refuses itself, before anything reaches the server: a serial line it
 * cannot read, a reading past a count event's bound, a push or sighting it cannot use, an event its
 * source made wrong, an event its full outbox cannot take. Counted since the agent started and said
 * in its status as flat metrics `agentRejects.<reason>` (a status's metrics are flat, DESIGN v1.1),
 * read back by the server (GET .../agents' `agentRejects`), the Agents view and `footfall agent list`.
 */
export const AGENT_REJECTS: Readonly<Record<string, { one: string; many: string; label: string; hint: string }>> = {
  unreadable_line: {
    one: "line",
    many: "lines",
    label: "unreadable",
    hint: "Lines from the counter that match none of serial.patterns, or run past 4 KiB without a line ending: check the patterns against what the counter sends, and serial.baudRate.",
  },
  over_limit: {
    one: "reading",
    many: "readings",
    label: "over 1,000,000 crossings",
    hint: "Readings that would put more than a count event's 1,000,000 crossings in one report (noise, or a serial number taken for a count): check serial.patterns' n group or http.mapping.",
  },
  refused_push: {
    one: "push",
    many: "pushes",
    label: "refused",
    hint: "HTTP pushes answered 400 or 401: check the sensor's secret (http.secret) and what it sends against http.mapping.",
  },
  bad_sighting: {
    one: "sighting",
    many: "sightings",
    label: "unreadable",
    hint: "Gateway records the agent cannot use (not JSON, no beacon or RSSI, a clock before 2000): check the gateways' format against settings.fields, and their clocks (NTP).",
  },
  unknown_receiver: {
    one: "sighting",
    many: "sightings",
    label: "from receivers not in settings.receivers",
    hint: "Sightings from gateways the agent does not know: add their ids to settings.receivers, or fix fields.receiver / mqtt.receiverFromTopic.",
  },
  invalid_event: {
    one: "event",
    many: "events",
    label: "invalid, not sent",
    hint: "Events its source made that break the protocol (a bug in the source or its clock): the agent's log names each.",
  },
  outbox_full: {
    one: "event",
    many: "events",
    label: "refused by a full outbox",
    hint: "New events refused while its outbox was full: fix its connection to the broker, or raise outbox.maxEvents.",
  },
};

/** The reasons this version knows, in the order they are shown. */
export const AGENT_REJECT_REASONS = Object.keys(AGENT_REJECTS);

/** A status metric's key for one reason: `agentRejects.unreadable_line`. */
export const AGENT_REJECTS_PREFIX = "agentRejects.";

/** A reason as a metric key may carry it: lower case and `_`, up to 32 characters. */
const REASON = /^[a-z][a-z_]{0,31}$/;

/** What an agent said it refused itself, by reason (counts over 0 only; `{}`: nothing refused). */
export const AgentRejectsSchema = Type.Record(Type.String({ pattern: REASON.source }), Type.Integer({ minimum: 1 }), {
  description:
    "what the agent said at its last status it refused itself since it started, before the server saw anything, by reason (unreadable_line, over_limit, refused_push, bad_sighting, unknown_receiver, invalid_event, outbox_full): its status's agentRejects.<reason> metrics; {} nothing; null: it does not say (older agents)",
});
export type AgentRejects = Static<typeof AgentRejectsSchema>;

/** The status metrics for these counts: every reason given, 0 included (an agent that says 0 refused nothing). */
export function agentRejectsMetrics(counts: Readonly<Record<string, number>>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const reason of AGENT_REJECT_REASONS) out[AGENT_REJECTS_PREFIX + reason] = counts[reason] ?? 0;
  return out;
}

/**
 * The counts a status's metrics say (`agentRejects.<reason>`), those over 0; null when it says none
 * (an agent older than this metric). An absurd count (not a whole number from 0 to 2^53-1) reads as
 * not said, as the other metrics do.
 */
export function agentRejectsOf(metrics: Readonly<Record<string, unknown>> | null): AgentRejects | null {
  if (!metrics) return null;
  let said = false;
  const out: AgentRejects = {};
  for (const [key, v] of Object.entries(metrics)) {
    if (!key.startsWith(AGENT_REJECTS_PREFIX)) continue;
    const reason = key.slice(AGENT_REJECTS_PREFIX.length);
    if (!REASON.test(reason) || typeof v !== "number" || !Number.isSafeInteger(v) || v < 0) continue;
    said = true;
    if (v > 0) out[reason] = v;
  }
  return said ? out : null;
}

/**
 * The status metrics of what an agent's source read and refused itself over its last 10 minutes
 * (`recentRead`, `recentRefused`; the window is the domain's RECENT_INPUT_WINDOW_MS): refused is the
 * sum of its source's reasons in that window, read includes it.
 */
export function recentInputMetrics(r: { read: number; refused: number }): { recentRead: number; recentRefused: number } {
  return { recentRead: r.read, recentRefused: r.refused };
}

/** What a status's metrics say its source read and refused lately; null when it says nothing (an older agent) or an absurd count (as the other metrics). */
export function recentInputOf(metrics: Readonly<Record<string, unknown>> | null): { read: number; refused: number } | null {
  const ok = (v: unknown): v is number => typeof v === "number" && Number.isSafeInteger(v) && v >= 0;
  if (!metrics || !ok(metrics.recentRead) || !ok(metrics.recentRefused)) return null;
  return { read: metrics.recentRead, refused: metrics.recentRefused };
}

/** One reason's count in words: "12 lines refused by the agent (unreadable)", with its hint; generic for a reason this version does not know. */
export function agentRejectWords(reason: string, n: number): { text: string; hint: string } {
  const w = Object.hasOwn(AGENT_REJECTS, reason) ? AGENT_REJECTS[reason]! : { one: "input", many: "inputs", label: reason.replace(/_/g, " "), hint: "See the agent's log for details." };
  return { text: `${n.toLocaleString("en-GB")} ${n === 1 ? w.one : w.many} refused by the agent (${w.label})`, hint: w.hint };
}
