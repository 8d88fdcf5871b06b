/**
 * The Home Assistant MQTT discovery payloads Footfall publishes, as JSON schemas (TypeBox), written
 * from Home Assistant's documentation (home-assistant.io/integrations/mqtt "Discovery",
 * /integrations/sensor.mqtt, /integrations/binary_sensor.mqtt): only the keys Footfall uses, each
 * with the type and values the docs give, and no other key (a misspelt key fails here instead of
 * being ignored by Home Assistant). Footfall's own profile on top: `unique_id`, `device` and
 * `availability` are always present (the docs: an entity joins a device only with a unique_id).
 */
import { Type, type Static } from "@sinclair/typebox";
import { compile } from "@footfall/core";

/** Discovery topic: `<discovery_prefix>/<component>/[<node_id>/]<object_id>/config`, ids of [a-zA-Z0-9_-]. */
export const HA_DISCOVERY_TOPIC = /^[^/#+]+\/(sensor|binary_sensor)\/[a-zA-Z0-9_-]+\/[a-zA-Z0-9_-]+\/config$/;

const Topic = Type.String({ minLength: 1, pattern: "^[^#+]+$", description: "an MQTT topic to subscribe to: no wildcards" });

/** `availability`: a list of topics with their payloads (the docs' defaults: online / offline). */
const Availability = Type.Array(
  Type.Object(
    {
      topic: Topic,
      payload_available: Type.Optional(Type.String()),
      payload_not_available: Type.Optional(Type.String()),
      value_template: Type.Optional(Type.String()),
    },
    { additionalProperties: false },
  ),
  { minItems: 1 },
);

/** `device`: at least one of identifiers or connections (the docs). */
const Device = Type.Object(
  {
    identifiers: Type.Union([Type.String({ minLength: 1 }), Type.Array(Type.String({ minLength: 1 }), { minItems: 1 })]),
    name: Type.Optional(Type.String()),
    manufacturer: Type.Optional(Type.String()),
    model: Type.Optional(Type.String()),
    sw_version: Type.Optional(Type.String()),
    hw_version: Type.Optional(Type.String()),
    suggested_area: Type.Optional(Type.String()),
    configuration_url: Type.Optional(Type.String({ pattern: "^(https?|homeassistant)://" })),
  },
  { additionalProperties: false },
);

/** `origin`: `name` is required when origin is given (the docs). */
const Origin = Type.Object({ name: Type.String({ minLength: 1 }), sw_version: Type.Optional(Type.String()), support_url: Type.Optional(Type.String()) }, { additionalProperties: false });

const Common = {
  name: Type.Union([Type.String(), Type.Null()]),
  unique_id: Type.String({ minLength: 1 }),
  state_topic: Topic,
  value_template: Type.Optional(Type.String({ minLength: 1 })),
  availability: Availability,
  availability_mode: Type.Optional(Type.Union([Type.Literal("all"), Type.Literal("any"), Type.Literal("latest")])),
  device: Device,
  origin: Type.Optional(Origin),
  icon: Type.Optional(Type.String({ pattern: "^mdi:[a-z0-9-]+$" })),
  qos: Type.Optional(Type.Union([Type.Literal(0), Type.Literal(1), Type.Literal(2)])),
  json_attributes_topic: Type.Optional(Topic),
  json_attributes_template: Type.Optional(Type.String()),
  enabled_by_default: Type.Optional(Type.Boolean()),
  entity_category: Type.Optional(Type.Union([Type.Literal("config"), Type.Literal("diagnostic")])),
  expire_after: Type.Optional(Type.Integer({ minimum: 0 })),
};

/** MQTT sensor (sensor.mqtt); `state_class` values from the docs. */
export const HaSensorConfigSchema = Type.Object(
  {
    ...Common,
    unit_of_measurement: Type.Optional(Type.String()),
    state_class: Type.Optional(Type.Union([Type.Literal("measurement"), Type.Literal("measurement_angle"), Type.Literal("total"), Type.Literal("total_increasing")])),
    device_class: Type.Optional(Type.String({ pattern: "^[a-z_]+$" })),
    suggested_display_precision: Type.Optional(Type.Integer({ minimum: 0 })),
    force_update: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type HaSensorConfig = Static<typeof HaSensorConfigSchema>;

/** MQTT binary sensor (binary_sensor.mqtt): the state is `payload_on` / `payload_off` (defaults ON / OFF). */
export const HaBinarySensorConfigSchema = Type.Object(
  {
    ...Common,
    payload_on: Type.Optional(Type.String()),
    payload_off: Type.Optional(Type.String()),
    device_class: Type.Optional(Type.String({ pattern: "^[a-z_]+$" })),
    off_delay: Type.Optional(Type.Integer({ minimum: 0 })),
    force_update: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type HaBinarySensorConfig = Static<typeof HaBinarySensorConfigSchema>;

export const haSensorConfigValidator = compile(HaSensorConfigSchema);
export const haBinarySensorConfigValidator = compile(HaBinarySensorConfigSchema);

/** The problems of a discovery message (topic and payload); empty when Home Assistant's schema holds. An empty payload removes the entity. */
export function discoveryProblems(topic: string, payload: string): string[] {
  const m = HA_DISCOVERY_TOPIC.exec(topic);
  if (!m) return [`topic "${topic}" is not <prefix>/<sensor|binary_sensor>/<node_id>/<object_id>/config with ids of [a-zA-Z0-9_-]`];
  if (payload === "") return [];
  let body: unknown;
  try {
    body = JSON.parse(payload);
  } catch {
    return ["payload is not JSON"];
  }
  const v = m[1] === "sensor" ? haSensorConfigValidator : haBinarySensorConfigValidator;
  return v.check(body) ? [] : v.problems(body);
}
