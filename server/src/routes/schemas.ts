import { Type } from "@sinclair/typebox";
import { ID_PATTERN } from "@footfall/core";

/** Shared route schemas (JSON Schema via TypeBox), also the source of the OpenAPI document. */
export const StoreParams = Type.Object({ store: Type.String({ pattern: ID_PATTERN, description: "store id" }) });
export const TimeString = Type.String({ description: "ISO 8601 or epoch milliseconds", maxLength: 40 });
export const RangeQuery = Type.Object({
  from: Type.Optional(TimeString),
  to: Type.Optional(TimeString),
});
export const ErrorBody = Type.Object({ statusCode: Type.Integer(), error: Type.String(), message: Type.String() });
export const errorResponses = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody };

const Nullable = <T extends ReturnType<typeof Type.Number>>(t: T) => Type.Union([t, Type.Null()]);
export const DwellStatsBody = Type.Union([
  Type.Object({ mean: Type.Number(), median: Type.Number(), p90: Type.Number() }),
  Type.Null(),
]);
export const DwellBody = Type.Object({
  zones: Type.Array(Type.Object({ zone: Type.String(), visits: Type.Integer(), visitors: Type.Integer(), dwell_s: DwellStatsBody })),
});
export const PathsBody = Type.Object({
  paths: Type.Array(Type.Object({ zones: Type.Array(Type.String()), count: Type.Integer() })),
  transitions: Type.Array(Type.Object({ from: Type.String(), to: Type.String(), count: Type.Integer() })),
  trips: Type.Integer({ description: "(v1.1) every trip in range, not only those of the listed paths" }),
});
export const TrafficBody = Type.Object({
  buckets: Type.Array(Type.Object({ start: Type.String(), enters: Type.Integer(), zones: Type.Record(Type.String(), Type.Integer()) })),
});
export const OccupancyBody = Type.Object({
  ts: Type.Integer(),
  total: Type.Integer(),
  zones: Type.Array(Type.Object({ zone: Type.String(), occupancy: Type.Integer(), capacity: Nullable(Type.Number()) })),
  totalFrom: Type.Optional(Type.Union([Type.Literal("door"), Type.Literal("zones")], { description: "where `total` comes from: the door counters' net count since local midnight, or the people followed in zones (no door counter)" })),
  doorZones: Type.Optional(Type.Array(Type.String(), { description: "zones a door counter reports for: their `occupancy` counts only people followed in them" })),
});
export const AgentsBody = Type.Object({
  agents: Type.Array(
    Type.Object({
      agent: Type.String(),
      kind: Type.String(),
      state: Type.String(),
      version: Type.Union([Type.String(), Type.Null()]),
      lastStatusTs: Type.Union([Type.Integer(), Type.Null()]),
      lastEventTs: Type.Union([Type.Integer(), Type.Null()]),
      lagMs: Type.Union([Type.Integer(), Type.Null()]),
      events: Type.Integer(),
      duplicates: Type.Integer(),
      rejects: Type.Integer(),
      rejectReasons: Type.Optional(
        Type.Record(Type.String(), Type.Integer(), { description: "rejects since this server started, by reason (too_old, future, unknown_zone, schema, ...): why events were refused" }),
      ),
    }),
  ),
});
