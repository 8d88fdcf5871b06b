/**
 * Home Assistant MQTT discovery (issue 14.4): one device per store, with a sensor for the store's
 * occupancy and each zone's, a length and a wait sensor per checkout queue (zones of kind `queue`),
 * and a binary sensor per alert rule. Each entity's state topic is one of Footfall's retained
 * topics (core `topics`), and its availability follows the server (`footfall/v1/availability`); a
 * zone's and a queue's sensors are also unavailable while nobody counts the zone (their state's
 * `offlineSince`, core notCountedSince): Home Assistant shows "Unavailable", not frozen figures.
 * Payloads follow ./ha-schema.ts, checked in the tests.
 */
import { createHash } from "node:crypto";
import { shownName, topics, type AlertRule, type Layout } from "@footfall/core";
import type { HaBinarySensorConfig, HaSensorConfig } from "./ha-schema.js";

export const DEFAULT_DISCOVERY_PREFIX = "homeassistant";

/** An id for a discovery topic ([a-zA-Z0-9_-]); one with other characters gets a short hash so two never collide. */
export function haId(id: string): string {
  const clean = id.replace(/[^a-zA-Z0-9_-]/g, "_");
  return clean === id ? id : `${clean}_${createHash("sha1").update(id).digest("hex").slice(0, 6)}`;
}

export interface DiscoveryContext {
  store: { id: string; name: string };
  layout: Pick<Layout, "zones"> | null;
  rules: readonly Pick<AlertRule, "id" | "name" | "kind" | "zone">[];
  version: string;
  prefix?: string;
  /** The topic the store's availability follows (default the server's; in a chain, its shard's). */
  availabilityTopic?: string;
}

/** A queue zone's name for its sensors: "Line" is "Line queue", "Checkout queue" stays (not "Checkout queue queue wait"). */
export function queueName(zoneName: string): string {
  return /\bqueue$/i.test(zoneName.trim()) ? zoneName.trim() : `${zoneName} queue`;
}

/** An epoch-ms field of the alert as an ISO 8601 timestamp in UTC (`2026-12-05T13:04:05+00:00`, as Home Assistant writes its own), or none. */
const isoField = (field: string) =>
  `(a.get('${field}') / 1000) | timestamp_custom('%Y-%m-%dT%H:%M:%S+00:00', false) if a.get('${field}') is number else none`;

/**
 * An alert rule's binary sensor's attributes: the state (`firing`, `acknowledged`, `resolved`,
 * `none`), since when it fired and its message, who acknowledged it and when. Footfall's topics
 * carry epoch milliseconds (as every `ts` of its protocol); Home Assistant's attributes take the
 * timestamps as ISO 8601, which its templates (`as_datetime`) and cards read. All null without an alert.
 */
export const ALERT_ATTRIBUTES_TEMPLATE =
  "{% set a = value_json.alert or {} %}" +
  `{{ {'state': value_json.state, 'since': ${isoField("since")}, 'message': a.get('message'), 'acknowledged_by': a.get('acknowledgedBy'), 'acknowledged_at': ${isoField("acknowledgedAt")}} | tojson }}`;

/**
 * A zone's or queue's availability from its own state topic: "offline" while nobody counts the zone
 * (`offlineSince` a number), "online" otherwise (null, or left out by a server before it).
 */
export const NOT_COUNTED_TEMPLATE = "{{ 'offline' if value_json.offlineSince is number else 'online' }}";

/** Every discovery message of a store: topic -> JSON config (retained). */
export function discoveryMessages(ctx: DiscoveryContext): Map<string, string> {
  const prefix = ctx.prefix ?? DEFAULT_DISCOVERY_PREFIX;
  const store = ctx.store.id;
  const node = `footfall_${haId(store)}`;
  const base = {
    availability: [{ topic: ctx.availabilityTopic ?? topics.availability(), payload_available: "online", payload_not_available: "offline" }],
    // Names saved before names were checked (core names.ts) may hold control characters or bidi overrides: written out (`\u{1b}`) in entity names.
    device: { identifiers: [node], name: `Footfall ${shownName(ctx.store.name)}`, manufacturer: "Footfall", model: "Store", sw_version: ctx.version },
    origin: { name: "Footfall", sw_version: ctx.version },
  };
  const out = new Map<string, string>();
  const sensor = (object: string, c: Omit<HaSensorConfig, keyof typeof base | "unique_id" | "availability_mode">, own?: Pick<HaSensorConfig, "availability" | "availability_mode">) =>
    out.set(`${prefix}/sensor/${node}/${object}/config`, JSON.stringify({ ...c, unique_id: `${node}_${object}`, ...base, ...own } satisfies HaSensorConfig));
  const binary = (object: string, c: Omit<HaBinarySensorConfig, keyof typeof base | "unique_id">) =>
    out.set(`${prefix}/binary_sensor/${node}/${object}/config`, JSON.stringify({ ...c, unique_id: `${node}_${object}`, ...base } satisfies HaBinarySensorConfig));
  const people = { unit_of_measurement: "people", state_class: "measurement" as const, icon: "mdi:account-group" };
  // A zone's or queue's sensor: available while the server (or shard) is and something counts the zone (its state's offlineSince is null).
  const counted = (stateTopic: string) => ({
    availability: [...base.availability, { topic: stateTopic, value_template: NOT_COUNTED_TEMPLATE, payload_available: "online", payload_not_available: "offline" }],
    availability_mode: "all" as const,
  });

  sensor("occupancy", { name: "Occupancy", state_topic: topics.occupancy(store), value_template: "{{ value_json.total }}", ...people });
  for (const stored of ctx.layout?.zones ?? []) {
    const z = { ...stored, name: shownName(stored.name) };
    const zone = haId(z.id);
    if (z.kind === "queue") {
      const queue = queueName(z.name);
      sensor(`queue_${zone}_length`, { name: `${queue} length`, state_topic: topics.queue(store, z.id), value_template: "{{ value_json.length }}", ...people, icon: "mdi:human-queue" }, counted(topics.queue(store, z.id)));
      sensor(`queue_${zone}_wait`, {
        name: `${queue} wait`,
        state_topic: topics.queue(store, z.id),
        // A null wait renders "None", which Home Assistant's MQTT sensor takes as unknown (not 0).
        value_template: "{{ value_json.waitSeconds }}",
        unit_of_measurement: "s",
        device_class: "duration",
        state_class: "measurement",
      }, counted(topics.queue(store, z.id)));
      // The tills open at the zone it queues for (null, "None": unknown, when that zone is not tracked).
      sensor(`queue_${zone}_tills`, { name: `${z.name} tills open`, state_topic: topics.queue(store, z.id), value_template: "{{ value_json.tillsOpen }}", unit_of_measurement: "tills", state_class: "measurement", icon: "mdi:cash-register" }, counted(topics.queue(store, z.id)));
    } else {
      sensor(`zone_${zone}_occupancy`, { name: `${z.name} occupancy`, state_topic: topics.zoneOccupancy(store, z.id), value_template: "{{ value_json.occupancy }}", ...people }, counted(topics.zoneOccupancy(store, z.id)));
    }
  }
  for (const r of ctx.rules) {
    binary(`alert_${haId(r.id)}`, {
      name: `Alert ${r.name !== undefined ? shownName(r.name) : `${r.kind}${r.zone ? ` ${r.zone}` : ""}`}`,
      state_topic: topics.alert(store, r.id),
      value_template: "{{ value_json.active }}",
      payload_on: "ON",
      payload_off: "OFF",
      device_class: "problem",
      json_attributes_topic: topics.alert(store, r.id),
      json_attributes_template: ALERT_ATTRIBUTES_TEMPLATE,
    });
  }
  return out;
}
