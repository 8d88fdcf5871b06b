import { rejectReasonWords } from "@footfall/core";

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
