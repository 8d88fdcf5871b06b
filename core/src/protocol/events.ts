import { Type, type Static } from "@sinclair/typebox";
import { ID_PATTERN, type VisitorId, type ZoneId } from "./ids.js";
import { LIMITS } from "./limits.js";
import { compile, type Result } from "./validate.js";

const EventId = Type.String({ minLength: 1, maxLength: LIMITS.maxEventIdLength, description: "unique within the store; a repeated id is a duplicate" });
const Ts = Type.Integer({ minimum: LIMITS.minTs, exclusiveMaximum: LIMITS.maxTs, description: "epoch milliseconds (UTC) when it happened, in the years 2000 to 2099" });
const Zone = Type.String({ pattern: ID_PATTERN, description: "zone id from the store's layout" });
const Visitor = Type.String({ minLength: 1, maxLength: LIMITS.maxVisitorLength, description: "anonymous visitor id" });
const Confidence = Type.Optional(Type.Number({ minimum: 0, maximum: 1 }));
const Crossings = Type.Integer({ minimum: 0, maximum: LIMITS.maxCrossings });

export const EnterEventSchema = Type.Object({ type: Type.Literal("enter"), id: EventId, ts: Ts, zone: Zone, visitor: Visitor, confidence: Confidence });
export const ExitEventSchema = Type.Object({ type: Type.Literal("exit"), id: EventId, ts: Ts, zone: Zone, visitor: Visitor, confidence: Confidence });
export const CountEventSchema = Type.Object({ type: Type.Literal("count"), id: EventId, ts: Ts, zone: Zone, in: Crossings, out: Crossings });
export const PositionEventSchema = Type.Object({
  type: Type.Literal("position"),
  id: EventId,
  ts: Ts,
  visitor: Visitor,
  x: Type.Number({ minimum: -1e6, maximum: 1e6, description: "metres from the floor plan's left edge" }),
  y: Type.Number({ minimum: -1e6, maximum: 1e6, description: "metres from the floor plan's top edge" }),
});
export const EventSchema = Type.Union([EnterEventSchema, ExitEventSchema, CountEventSchema, PositionEventSchema]);

type Branded<T> = T extends { zone: string } ? Omit<T, "zone"> & { zone: ZoneId } : T;
type WithVisitor<T> = T extends { visitor: string } ? Omit<T, "visitor"> & { visitor: VisitorId } : T;
export type EnterEvent = WithVisitor<Branded<Static<typeof EnterEventSchema>>>;
export type ExitEvent = WithVisitor<Branded<Static<typeof ExitEventSchema>>>;
export type CountEvent = Branded<Static<typeof CountEventSchema>>;
export type PositionEvent = WithVisitor<Static<typeof PositionEventSchema>>;
export type FootfallEvent = EnterEvent | ExitEvent | CountEvent | PositionEvent;
export type EventType = FootfallEvent["type"];
/** Events that move a visitor in or out of a zone. */
export type ZoneEvent = EnterEvent | ExitEvent;

const byType = {
  enter: compile(EnterEventSchema),
  exit: compile(ExitEventSchema),
  count: compile(CountEventSchema),
  position: compile(PositionEventSchema),
} as const;

/** Validate one event; the error names the field and the rule. */
export function parseEvent(value: unknown): Result<FootfallEvent> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return { ok: false, error: "/: expected an event object" };
  const type = (value as { type?: unknown }).type;
  // An own key only: `"constructor" in byType` is true too (a hostile type made parseEvent throw).
  if (typeof type !== "string" || !Object.prototype.hasOwnProperty.call(byType, type)) {
    return { ok: false, error: `/type: expected one of ${Object.keys(byType).join(", ")}` };
  }
  const result = byType[type as EventType].parse(value);
  // The validator's own result as it is (no second object for each event).
  return result as Result<FootfallEvent>;
}

/** Whether {@link parseEvent} takes `value`, without building its result (decoding a batch: one object less an event). */
export function isEvent(value: unknown): value is FootfallEvent {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const type = (value as { type?: unknown }).type;
  return typeof type === "string" && Object.prototype.hasOwnProperty.call(byType, type) && byType[type as EventType].check(value);
}

/** Sort order of the event semantics: by `ts`, ties broken by `id`. */
export function compareEvents(a: { ts: number; id: string }, b: { ts: number; id: string }): number {
  return a.ts - b.ts || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}
