/**
 * Installers' accuracy audits (issue 18, v1.1): a person counts a stretch of the door by hand and
 * the count is compared, per direction, with what the device counted over the same stretch. A
 * camera agent sends each audit it completed on `footfall/v1/{store}/agents/{agent}/audits`
 * (QoS 1, not retained; sent again at every start until the server has it: the server keeps one per
 * id). Door counters are audited from the UI: a person's live count for a window against the
 * counter's in/out for it. Counts, who and when: never an image.
 */
import { Type, type Static } from "@sinclair/typebox";
import { byteLength } from "./bounds.js";
import { LIMITS } from "./limits.js";
import { flawedText, flawedTextMessage } from "./text.js";
import { compile, parseJson, type Result } from "./validate.js";

export const AUDIT_LIMITS = {
  /** Bytes of one audit message: a few hundred in practice. */
  maxBytes: 4 * 1024,
  /** Crossings counted in one direction of one audit. */
  maxCount: 1_000_000,
  /** Characters of the counting person's name. */
  maxAuditorLength: 100,
} as const;

/**
 * How the hand count was taken: `clip`, frame by frame on a clip the camera agent recorded; `live`,
 * counted at the door on the agent's page while it counted; `manual`, entered in the UI for a time
 * window of a door counter.
 */
export const AUDIT_METHODS = ["clip", "live", "manual"] as const;
export type AuditMethod = (typeof AUDIT_METHODS)[number];

/** The share of crossings a vendor's acceptance audit asks for in each direction ("data certified" at or above it). */
export const CERTIFY_AT = 0.95;

const countOf = (description?: string) => Type.Integer({ minimum: 0, maximum: AUDIT_LIMITS.maxCount, ...(description ? { description } : {}) });
const tsOf = (description?: string) => Type.Integer({ minimum: LIMITS.minTs, exclusiveMaximum: LIMITS.maxTs, ...(description ? { description } : {}) });
const Count = countOf();
const Ts = tsOf();
export const AuditCountsSchema = Type.Object({ in: Count, out: Count }, { additionalProperties: false });
export type AuditCounts = Static<typeof AuditCountsSchema>;

/** What an agent sends for one audit: the counts; the server works out the accuracy itself. */
export const AuditReportSchema = Type.Object(
  {
    id: Type.String({ pattern: "^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$", description: "unique per agent (the clip's id): a copy sent again is kept once" }),
    method: Type.Union(AUDIT_METHODS.map((m) => Type.Literal(m))),
    auditor: Type.String({ minLength: 1, maxLength: AUDIT_LIMITS.maxAuditorLength, description: "who counted" }),
    from: Ts,
    to: Ts,
    at: tsOf("when the count was submitted"),
    hand: AuditCountsSchema,
    system: AuditCountsSchema,
    marked: Type.Optional(countOf("system crossings the person judged right or wrong")),
    right: Type.Optional(countOf("of those, judged right")),
  },
  { additionalProperties: false },
);
export type AuditReport = Static<typeof AuditReportSchema>;
export const auditReportValidator = compile(AuditReportSchema);

/** Per direction: 1 - |system - hand| / hand (1 when both are 0, 0 when hand is 0 and system is not). */
export function directionAccuracy(system: number, hand: number): number {
  if (hand === 0) return system === 0 ? 1 : 0;
  return Math.max(0, 1 - Math.abs(system - hand) / hand);
}

export interface AuditFigures {
  accuracy: AuditCounts;
  /** The lower of the two directions: the figure a badge shows. */
  overall: number;
  /** Both directions at or above {@link CERTIFY_AT}, with at least one crossing counted by hand. */
  certified: boolean;
}

export function auditFigures(hand: AuditCounts, system: AuditCounts): AuditFigures {
  const accuracy = { in: directionAccuracy(system.in, hand.in), out: directionAccuracy(system.out, hand.out) };
  const overall = Math.min(accuracy.in, accuracy.out);
  return { accuracy, overall, certified: hand.in + hand.out > 0 && overall >= CERTIFY_AT };
}

/** Problems the schema cannot see: the window's order and the marks. */
export function auditReportProblems(r: AuditReport): string | null {
  if (r.to < r.from) return "to: the audit ends before it begins";
  if (r.right !== undefined && (r.marked === undefined || r.right > r.marked)) return "right: more crossings judged right than were marked";
  return null;
}

/**
 * Decode an audit message within the bounds: size before anything, JSON depth, JSON, the schema,
 * text a database stores (no U+0000, no lone surrogate: core `textFlaw`), then the window. Never
 * throws; a failure carries its reject reason.
 */
export function decodeAuditReport(payload: Uint8Array | string, decode: (bytes: Uint8Array) => string): Result<AuditReport> {
  const size = byteLength(payload);
  if (size > AUDIT_LIMITS.maxBytes) return { ok: false, error: `oversized: ${size} bytes > ${AUDIT_LIMITS.maxBytes}`, reason: "oversized" };
  const json = parseJson(typeof payload === "string" ? payload : decode(payload));
  if (!json.ok) return json;
  const report = auditReportValidator.parse(json.value);
  if (!report.ok) return { ok: false, error: `schema: ${report.error}`, reason: "schema" };
  const text = flawedText(report.value, [""]);
  if (text) return { ok: false, error: `schema: ${flawedTextMessage(text)}`, reason: "schema" };
  const problem = auditReportProblems(report.value);
  return problem ? { ok: false, error: `schema: ${problem}`, reason: "schema" } : report;
}
