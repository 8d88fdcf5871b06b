/**
 * The Agents view's audit badge (issue 18), as a pure function: the accuracy of a device's latest
 * audit (the worse direction), "data certified" at the server's threshold, when it was, and "audit
 * due" when there is none or it is older than the server's age.
 */
export interface AuditLike {
  at: number;
  overall: number;
  certified: boolean;
  hand: { in: number; out: number };
  accuracy: { in: number; out: number };
  method: string;
  auditor: string;
}

export interface AuditBadge {
  /** "certified": at or above the threshold; "below": audited, under it; "none": never audited. */
  tone: "certified" | "below" | "none";
  /** "98 %" or "–". */
  accuracy: string;
  /** When the latest audit was counted, or null. */
  at: number | null;
  due: boolean;
  /** For a tooltip: per direction and the sample size. */
  detail: string;
}

/** `0.987` → "98.7 %", `1` → "100 %" (never rounds up to 100 % what is not). */
export function formatAccuracy(ratio: number): string {
  const tenths = Math.floor(ratio * 1000 + 1e-9) / 10;
  return `${Number.isInteger(tenths) ? tenths.toFixed(0) : tenths.toFixed(1)} %`;
}

export function auditBadge(last: AuditLike | null, due: boolean): AuditBadge {
  if (!last) return { tone: "none", accuracy: "–", at: null, due: true, detail: "Never audited: run an audit (camera: the agent's audit page; door counter: count at the door below)." };
  const n = last.hand.in + last.hand.out;
  const how = last.method === "manual" ? "counted at the door" : last.method === "live" ? "counted live on the agent's page" : "counted on a recorded clip";
  return {
    tone: last.certified ? "certified" : "below",
    accuracy: formatAccuracy(last.overall),
    at: last.at,
    due,
    detail: `In ${formatAccuracy(last.accuracy.in)}, out ${formatAccuracy(last.accuracy.out)} over ${n} crossing${n === 1 ? "" : "s"} ${how} by ${last.auditor}`,
  };
}
