import { Type, type Static } from "@sinclair/typebox";
import { compile } from "./validate.js";

/**
 * What the server publishes for other systems (issue 14.4), retained, under the store: live
 * occupancy (store and zones), each checkout queue, each alert rule's state, and the server's
 * availability. Home Assistant's discovery configs point at these topics (README "Home Assistant").
 * At most one message a second per topic; agents may not publish any of them (broker ACL).
 */

/** `footfall/v1/{store}/occupancy`. */
export const StoreOccupancyMessageSchema = Type.Object({
  ts: Type.Integer({ description: "epoch ms" }),
  total: Type.Integer({ minimum: 0, description: "people in the store" }),
  /** (this project) The total holds a zone nobody counts now (GET .../occupancy's `partial`); left out by servers before it. */
  partial: Type.Optional(Type.Boolean({ description: "the total holds a zone nobody counts now (its agents offline, silent or revoked): its figures are frozen" })),
});
export type StoreOccupancyMessage = Static<typeof StoreOccupancyMessageSchema>;

/** `footfall/v1/{store}/zones/{zone}/occupancy`. */
export const ZoneOccupancyMessageSchema = Type.Object({
  ts: Type.Integer(),
  occupancy: Type.Integer({ minimum: 0 }),
  capacity: Type.Union([Type.Integer({ minimum: 0 }), Type.Null()]),  /** (this project) Since when nobody counts the zone (every agent of it offline, silent or revoked; core notCountedSince), null while counted; left out by servers before it. */
  offlineSince: Type.Optional(Type.Union([Type.Integer(), Type.Null()], { description: "epoch ms since nobody counts the zone: its figures are frozen (Home Assistant shows the sensor unavailable); null while counted, and while the store is closed by its opening hours when its agents went down after it closed (then the opening time, still down)" })),
});
export type ZoneOccupancyMessage = Static<typeof ZoneOccupancyMessageSchema>;

/** `footfall/v1/{store}/queues/{zone}`: a checkout queue's people waiting and estimated wait. */
export const QueueMessageSchema = Type.Object({
  ts: Type.Integer(),
  length: Type.Integer({ minimum: 0 }),
  waitSeconds: Type.Union([Type.Number({ minimum: 0 }), Type.Null()], { description: "estimated wait for someone joining now; null when unknown" }),
  /** (this project) Tills open at the zone the queue serves, seen through its visits; null when not seen. */
  tillsOpen: Type.Optional(Type.Union([Type.Integer({ minimum: 0 }), Type.Null()], { description: "tills open (people at the queueFor zone while someone waits); null when that zone is not tracked" })),  /** (this project) Since when nobody counts the zone (every agent of it offline, silent or revoked; core notCountedSince), null while counted; left out by servers before it. */
  offlineSince: Type.Optional(Type.Union([Type.Integer(), Type.Null()], { description: "epoch ms since nobody counts the zone: its figures are frozen (Home Assistant shows the sensor unavailable); null while counted, and while the store is closed by its opening hours when its agents went down after it closed (then the opening time, still down)" })),
});
export type QueueMessage = Static<typeof QueueMessageSchema>;

/** `footfall/v1/{store}/alerts/{rule}`: the rule's current alert, `active` ON while firing or acknowledged. */
export const AlertStateMessageSchema = Type.Object({
  rule: Type.String(),
  active: Type.Union([Type.Literal("ON"), Type.Literal("OFF")]),
  state: Type.Union([Type.Literal("firing"), Type.Literal("acknowledged"), Type.Literal("resolved"), Type.Literal("none")]),
  at: Type.Integer({ description: "epoch ms of the last change" }),
  alert: Type.Optional(Type.Unknown({ description: "the alert (core AlertSchema) when there is one" })),
});
export type AlertStateMessage = Static<typeof AlertStateMessageSchema>;

/** `footfall/v1/availability`: "online" while the server is connected (retained; the broker publishes "offline" as its will). */
export type AvailabilityMessage = "online" | "offline";

export const storeOccupancyMessageValidator = compile(StoreOccupancyMessageSchema);
export const zoneOccupancyMessageValidator = compile(ZoneOccupancyMessageSchema);
export const queueMessageValidator = compile(QueueMessageSchema);
export const alertStateMessageValidator = compile(AlertStateMessageSchema);
