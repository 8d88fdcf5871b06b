import { Type, type Static } from "@sinclair/typebox";
import { NameString } from "../protocol/names.js";
import { compile } from "../protocol/validate.js";

/**
 * Alert rules, alerts and the notifications the server sends when an alert changes state (issue 14.3).
 * Times are epoch milliseconds (UTC); a UI shows them in the store's time zone.
 */

export const ALERT_KINDS = ["occupancy", "queue-length", "queue-wait", "agent-offline", "counter-silent", "forecast-arrivals", "forecast-occupancy"] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

/**
 * Per kind: whether its rules read a figure that agents count (people in a zone or the store, a
 * queue's length or wait), so that the figure freezes while nobody counts it and such a rule holds
 * (core's ruleNotCountedSince, the server's evaluator and the alerts it shows with notCountedSince
 * all read it here). A record over every kind: a new kind does not type-check until it says.
 */
export const READS_COUNTED: Readonly<Record<AlertKind, boolean>> = {
  occupancy: true,
  "queue-length": true,
  "queue-wait": true,
  "agent-offline": false,
  "counter-silent": false,
  "forecast-arrivals": false,
  "forecast-occupancy": false,
};

/** Whether rules of `kind` read counted figures ({@link READS_COUNTED}). */
export const readsCounted = (kind: AlertKind): boolean => READS_COUNTED[kind] === true;

export const ALERT_LIMITS = {
  maxRulesPerStore: 200,
  maxMessageLength: 300,
  maxNameLength: 80,
  /** A duration or cool-down of at most a week. */
  maxSeconds: 7 * 86_400,
} as const;

const Id = Type.String({ minLength: 1, maxLength: 64, pattern: "^[A-Za-z0-9][A-Za-z0-9_.:-]*$" });

export const AlertKindSchema = Type.Union(ALERT_KINDS.map((k) => Type.Literal(k)), {
  description:
    "occupancy: the store (no zone) or a zone's people over its capacity, above `threshold` as a share (0.8 = 80 %); " +
    "queue-length: people waiting in the queue zone `zone`, above `threshold`; queue-wait: estimated wait in seconds in the queue zone `zone`, above `threshold`; " +
    "agent-offline: an agent (`agent`, or those whose events named `zone`, or any of the store's) not seen for more than `threshold` seconds; " +
    "counter-silent: no counts from the store (or from `zone`) for more than `threshold` seconds while the store is open; " +
    "forecast-arrivals: the forecast arrivals of the next local hour (the store's, or `zone`'s), above `threshold` people (\"busy from 14:00, expected 120 arrivals\"); " +
    "forecast-occupancy: the highest forecast occupancy of the store (or `zone`) over its capacity in the current and the next 2 hours, above `threshold` as a share (1 = full: \"expected over capacity at 17:00\")",
});

/** What an admin edits: a rule without its id and store (both from the URL or assigned). */
export const AlertRuleInputSchema = Type.Object({
  kind: AlertKindSchema,
  name: Type.Optional(NameString({ maxLength: ALERT_LIMITS.maxNameLength, description: "shown on the tablet; a default names the kind and zone. One line of plain text (no control character, no bidirectional override)" })),
  zone: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: "a zone of the store's layout; none = the whole store" })),
  agent: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: "agent-offline only: one agent; none = any of the store's agents" })),
  threshold: Type.Number({ minimum: 0, maximum: 1e9, description: "the kind's figure must be above it (occupancy: share of capacity, e.g. 0.8)" }),
  forSeconds: Type.Integer({ minimum: 0, maximum: ALERT_LIMITS.maxSeconds, description: "the condition must hold this long before the alert fires" }),
  cooldownSeconds: Type.Integer({ minimum: 0, maximum: ALERT_LIMITS.maxSeconds, description: "after a resolve, the rule fires again only after this long" }),
  enabled: Type.Boolean({ default: true }),
});
export type AlertRuleInput = Static<typeof AlertRuleInputSchema>;

/** A rule as stored and answered: its name as it was saved (a rule saved before names.ts's rule still reads). */
export const AlertRuleSchema = Type.Composite([
  Type.Object({ id: Id, store: Type.String({ minLength: 1, maxLength: 64 }) }),
  Type.Object({ ...AlertRuleInputSchema.properties, name: Type.Optional(Type.String({ maxLength: ALERT_LIMITS.maxNameLength, description: "shown on the tablet; a default names the kind and zone" })) }),
]);
export type AlertRule = Static<typeof AlertRuleSchema>;

/**
 * Who acknowledges, as typed on a shared tablet (`POST .../alerts/:id/ack` `{"by"}`): a name or
 * initials of at most 40 characters and no control character (C0, DEL, C1, line and paragraph
 * separators: nothing that breaks a line of a log, a CSV or a notification). The server stores it
 * with the token's label: "Ana (front-tablet)".
 */
export const ACK_BY_MAX = 40;
export const ACK_BY_PATTERN = "^[^\\u0000-\\u001f\\u007f-\\u009f\\u2028\\u2029]*$";

/** `by` as the server takes it (at most ACK_BY_MAX characters, no control character), its spaces folded; null when it breaks a rule or is blank. */
export function ackByOf(typed: string): string | null {
  if ([...typed].length > ACK_BY_MAX || !new RegExp(ACK_BY_PATTERN, "u").test(typed)) return null;
  const by = typed.trim().replace(/\s+/g, " ");
  return by || null;
}

export const ALERT_STATES = ["firing", "acknowledged", "resolved"] as const;
export type AlertState = (typeof ALERT_STATES)[number];

/** One occurrence of a rule's condition: fired, maybe acknowledged, resolved when the condition ends. */
export const AlertSchema = Type.Object({
  id: Id,
  ruleId: Id,
  store: Type.String({ minLength: 1, maxLength: 64 }),
  kind: AlertKindSchema,
  zone: Type.Optional(Type.String()),
  state: Type.Union(ALERT_STATES.map((s) => Type.Literal(s))),
  /** When the condition began (the alert fired `forSeconds` later): the tablet's "above the limit since". */
  since: Type.Integer({ description: "epoch ms: when the condition began to hold (\"above the limit since\")" }),
  firedAt: Type.Integer({ description: "epoch ms" }),
  acknowledgedBy: Type.Optional(Type.String({ description: "who acknowledged: the name typed on the tablet with its token's label (\"Ana (front-tablet)\"), else the token's label" })),
  acknowledgedAt: Type.Optional(Type.Integer()),
  resolvedAt: Type.Optional(Type.Integer()),
  value: Type.Number({ description: "the figure when it fired (updated while firing: the worst seen)" }),
  message: Type.String({ maxLength: ALERT_LIMITS.maxMessageLength }),
});
export type Alert = Static<typeof AlertSchema>;

/**
 * `alert.not-counted`: an open alert is held because nobody counts its figure now (its alert carries `notCountedSince`);
 * `alert.counted`: counted again (the alert then goes on, or resolves with its own `alert.resolved`).
 */
export const ALERT_NOTIFICATION_TYPES = ["alert.firing", "alert.acknowledged", "alert.resolved", "alert.not-counted", "alert.counted"] as const;
export type AlertNotificationType = (typeof ALERT_NOTIFICATION_TYPES)[number];

/**
 * What the server publishes (in process, `server/src/alerts/bus.ts`) when an alert changes state;
 * webhooks, MQTT and the tablet deliver it. `deliveryId` is unique per notification: a receiver that
 * sees it twice drops the copy.
 */
export const AlertNotificationSchema = Type.Object({
  deliveryId: Type.String({ minLength: 1, maxLength: 128 }),
  type: Type.Union(ALERT_NOTIFICATION_TYPES.map((t) => Type.Literal(t))),
  /** Epoch ms of the change. */
  at: Type.Integer(),
  alert: Type.Composite([
    AlertSchema,
    Type.Object({
      /** (this project) `alert.not-counted` only: since when nobody counts the alert's figure (epoch ms), as GET .../alerts shows it. */
      notCountedSince: Type.Optional(Type.Integer()),
    }),
  ]),
  rule: AlertRuleSchema,
});
export type AlertNotification = Static<typeof AlertNotificationSchema>;

export const alertRuleInputValidator = compile(AlertRuleInputSchema);
export const alertNotificationValidator = compile(AlertNotificationSchema);
