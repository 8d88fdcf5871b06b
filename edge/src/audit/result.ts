import type { AuditReport } from "@footfall/core";

/**
 * The figures of an installer's audit (pure): a person counted the crossings of a recorded stretch
 * by hand (and may have marked each crossing the system counted as right or wrong); the system's
 * count of the same stretch is compared per direction, as vendors' acceptance audits do (at least
 * 95 of 100 crossings). Nothing here holds an image.
 */

export interface Counts {
  in: number;
  out: number;
}

/** A system crossing the person judged: the index in the clip's list, and right or wrong. */
export interface Mark {
  crossing: number;
  right: boolean;
}

export interface AuditInput {
  /** The audit's id (the clip's): the server keeps one audit per agent and id. */
  id?: string;
  /** The device audited (agent id) and who counted. */
  agent: string;
  auditor: string;
  /** When the clip began and ended (epoch ms) and when the count was submitted. */
  from: number;
  to: number;
  at: number;
  hand: Counts;
  system: Counts;
  marks?: readonly Mark[];
  /** How many system crossings the clip holds (marks refer to them). */
  systemCrossings?: number;
}

export interface AuditResult extends Omit<AuditInput, "marks" | "systemCrossings"> {
  /** Per direction: 1 - |system - hand| / hand (1 when both are 0, 0 when hand is 0 and system is not). */
  accuracy: Counts;
  /** Both directions within the threshold, and at least one crossing counted by hand. */
  certified: boolean;
  /** With marks: the share of marked system crossings that were right. */
  precision: number | null;
  marked: number;
}

/** The share a vendor's acceptance audit asks for ("data certified" at or above it). */
export const CERTIFY_AT = 0.95;

export function directionAccuracy(system: number, hand: number): number {
  if (hand === 0) return system === 0 ? 1 : 0;
  return Math.max(0, 1 - Math.abs(system - hand) / hand);
}

/** Check the input (a clear error for the page, never a throw past the caller) and compute the figures. */
export function auditResult(input: AuditInput): { ok: true; value: AuditResult } | { ok: false; error: string } {
  const count = (v: unknown) => typeof v === "number" && Number.isInteger(v) && v >= 0 && v <= 1_000_000;
  if (!count(input.hand?.in) || !count(input.hand?.out)) return { ok: false, error: "hand: in and out must be whole numbers from 0" };
  if (!count(input.system?.in) || !count(input.system?.out)) return { ok: false, error: "system: in and out must be whole numbers from 0" };
  if (typeof input.auditor !== "string" || input.auditor.trim() === "" || input.auditor.length > 100)
    return { ok: false, error: "auditor: give the counting person's name (1-100 characters)" };
  const marks = input.marks ?? [];
  const n = input.systemCrossings ?? Infinity;
  const seen = new Set<number>();
  for (const m of marks) {
    if (!count(m?.crossing) || m.crossing >= n || typeof m.right !== "boolean")
      return { ok: false, error: `marks: each mark is {crossing: index of a system crossing (0..${n - 1}), right: true|false}` };
    if (seen.has(m.crossing)) return { ok: false, error: `marks: crossing ${m.crossing} is marked twice` };
    seen.add(m.crossing);
  }
  const accuracy = { in: directionAccuracy(input.system.in, input.hand.in), out: directionAccuracy(input.system.out, input.hand.out) };
  const right = marks.filter((m) => m.right).length;
  return {
    ok: true,
    value: {
      ...(input.id ? { id: input.id } : {}),
      agent: input.agent,
      auditor: input.auditor.trim(),
      from: input.from,
      to: input.to,
      at: input.at,
      hand: { in: input.hand.in, out: input.hand.out },
      system: { in: input.system.in, out: input.system.out },
      accuracy,
      certified: input.hand.in + input.hand.out > 0 && accuracy.in >= CERTIFY_AT && accuracy.out >= CERTIFY_AT,
      precision: marks.length > 0 ? right / marks.length : null,
      marked: marks.length,
    },
  };
}

/**
 * What goes to the server on the agent's `audits` topic: the counts, who and when (the server
 * works the accuracy out again); null for a result without an id (kept before results were sent).
 */
export function auditReport(r: AuditResult, method: "clip" | "live" = "clip"): AuditReport | null {
  if (!r.id) return null;
  return {
    id: r.id,
    method,
    auditor: r.auditor,
    from: r.from,
    to: r.to,
    at: r.at,
    hand: { in: r.hand.in, out: r.hand.out },
    system: { in: r.system.in, out: r.system.out },
    ...(r.marked > 0 ? { marked: r.marked, right: Math.round((r.precision ?? 0) * r.marked) } : {}),
  };
}
