import { agentRejectWords, rejectReasonWords } from "@footfall/core";

export interface RejectReason {
  reason: string;
  label: string;
  hint: string;
  count: number;
}

/** An agent's rejects by reason, most first, each with its words (core's, as the agent logs them). */
export function rejectReasons(byReason: Readonly<Record<string, number>> | undefined): RejectReason[] {
  return Object.entries(byReason ?? {})
    .filter(([, n]) => n > 0)
    .map(([reason, count]) => ({ reason, count, ...rejectReasonWords(reason) }))
    .sort((a, b) => b.count - a.count || a.reason.localeCompare(b.reason));
}

/**
 * Rejects the by-reason counts do not explain: the total is kept in the database, the reasons only
 * since the server started, so after a restart some of the total has no reason any more.
 */
export function rejectsBeforeRestart(total: number, byReason: Readonly<Record<string, number>> | undefined): number {
  const explained = Object.values(byReason ?? {}).reduce((s, n) => s + Math.max(0, n), 0);
  return Math.max(0, total - explained);
}

/** What an agent refused itself (its status's agentRejects), most first, in core's words: "12 lines refused by the agent (unreadable)". */
export function agentOwnRejects(byReason: Readonly<Record<string, number>> | null | undefined): { reason: string; count: number; text: string; hint: string }[] {
  return Object.entries(byReason ?? {})
    .filter(([, n]) => n > 0)
    .map(([reason, count]) => ({ reason, count, ...agentRejectWords(reason, count) }))
    .sort((a, b) => b.count - a.count || a.reason.localeCompare(b.reason));
}
