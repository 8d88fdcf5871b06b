import { Type, type Static } from "@sinclair/typebox";
import { ID_PATTERN } from "@footfall/core";
import { checkValue, type Checked } from "../../schema.js";
import { DEFAULT_HMM } from "./tracker.js";

const Fields = Type.Object(
  {
    receiver: Type.String({ default: "receiver", description: "field of the receiver (gateway) id in a feed record (dotted path)" }),
    beacon: Type.String({ default: "beacon", description: "field of the beacon id (MAC, or iBeacon uuid-major-minor)" }),
    rssi: Type.String({ default: "rssi", description: "field of the RSSI in dBm" }),
    ts: Type.String({ default: "ts", description: "field of the time (epoch ms, epoch s or ISO); records without one are stamped on receipt" }),
  },
  { additionalProperties: false, default: {} },
);

/** The beacon source's settings (the `settings` object of a `beacon` agent's config). */
export const BeaconSettingsSchema = Type.Object(
  {
    receivers: Type.Record(
      Type.String({ minLength: 1 }),
      Type.Object(
        {
          zone: Type.String({ pattern: ID_PATTERN, description: "the layout zone this receiver stands in" }),
          offsetDb: Type.Optional(Type.Number({ minimum: -40, maximum: 40, description: "added to its readings, to even out receivers' gains" })),
        },
        { additionalProperties: false },
      ),
      { description: "receiver id -> { zone, offsetDb }: a beacon is in the zone of its strongest receiver" },
    ),
    mqtt: Type.Optional(
      Type.Object(
        {
          url: Type.String({ description: "the gateways' broker, e.g. mqtt://192.168.1.10:1883" }),
          topic: Type.String({ default: "gateways/#", description: "topic filter the gateways publish sightings on" }),
          username: Type.Optional(Type.String({ description: "login on the gateways' broker" })),
          password: Type.Optional(Type.String({ description: "its password" })),
          receiverFromTopic: Type.Optional(
            Type.Integer({ minimum: 0, maximum: 20, description: "take the receiver id from this topic level (0-based) when records carry none" }),
          ),
        },
        { additionalProperties: false, description: "gateway feed over MQTT: JSON records, arrays of them or JSON lines" },
      ),
    ),
    http: Type.Optional(
      Type.Object(
        {
          host: Type.String({ default: "0.0.0.0", description: "address to listen on" }),
          port: Type.Integer({ minimum: 0, maximum: 65_535, default: 8091, description: "0: any free port (logged)" }),
          path: Type.String({ pattern: "^/", default: "/sightings", description: "URL path gateways POST to" }),
          secret: Type.Optional(
            Type.String({
              minLength: 16,
              description: "shared secret (bearer token, X-Footfall-Secret or ?secret=); without it anyone on the network may post sightings",
            }),
          ),
          maxBodyBytes: Type.Integer({ minimum: 256, maximum: 10_485_760, default: 1_048_576, description: "larger bodies get 413" }),
        },
        { additionalProperties: false, description: "gateway feed over HTTP POST: JSON records, arrays of them or JSON lines" },
      ),
    ),
    noble: Type.Optional(
      Type.Object(
        { receiver: Type.String({ minLength: 1, default: "local", description: "receiver id of this machine's Bluetooth adapter (list it in receivers)" }) },
        { additionalProperties: false, description: "scan with this machine's Bluetooth adapter (optional package @abandonware/noble)" },
      ),
    ),
    fields: Fields,
    items: Type.Optional(Type.String({ description: "dotted path of the array of records in a feed message (default: the message itself)" })),
    beaconPattern: Type.Optional(Type.String({ description: "regex: only beacon ids matching it are tracked (e.g. the store's tag UUID)" })),
    staff: Type.Array(Type.String(), { default: [], description: "beacon ids of staff badges: never tracked, never counted" }),
    privacy: Type.Object(
      {
        timezone: Type.String({ default: "UTC", description: "the salt of visitor ids rotates at midnight in this time zone" }),
        secret: Type.Optional(
          Type.String({
            minLength: 16,
            description:
              "shared by the beacon agents of one store so that they give a beacon the same id on the same day (default: a random salt per agent and day)",
          }),
        ),
        prefix: Type.String({ default: "ble-", maxLength: 32, description: "prefix of visitor ids" }),
      },
      { additionalProperties: false, default: {} },
    ),
    tracking: Type.Object(
      {
        kalmanQ: Type.Number({
          exclusiveMinimum: 0,
          maximum: 1000,
          default: 20,
          description:
            "Kalman process noise, dB² per second (how fast RSSI may really change; 20 suits the hmm decoder, which smooths on its own; 3 suits hysteresis)",
        }),
        kalmanR: Type.Number({ exclusiveMinimum: 0, maximum: 1000, default: 40, description: "Kalman measurement noise, dB² (sigma² of one reading)" }),
        staleMs: Type.Integer({
          minimum: 100,
          maximum: 600_000,
          default: 6000,
          description: "a receiver that has not heard a beacon for this long no longer votes",
        }),
        lostAfterMs: Type.Integer({
          minimum: 1000,
          maximum: 3_600_000,
          default: 15_000,
          description: "a beacon no receiver heard for this long exits (at its last sighting)",
        }),
        minRssi: Type.Number({ minimum: -130, maximum: 0, default: -90, description: "below this smoothed RSSI a beacon is in no zone" }),
        decoder: Type.Union([Type.Literal("hmm"), Type.Literal("hysteresis")], {
          default: "hmm",
          description:
            "hmm: a hidden Markov model over the zones that moves only between adjacent zones and weighs the last few seconds at once (steady under correlated fading); hysteresis: the strongest zone, with hysteresisDb and minStayMs",
        }),
        hmmMoveCost: Type.Number({
          minimum: 0,
          maximum: 100,
          default: DEFAULT_HMM.moveCost,
          description: "hmm: evidence (nats) a zone change must gather; higher is steadier and slower",
        }),
        hmmScaleDb: Type.Number({
          exclusiveMinimum: 0,
          maximum: 100,
          default: DEFAULT_HMM.scaleDb,
          description: "hmm: dB behind the strongest zone that count one nat against a zone in a step",
        }),
        hmmMaxCost: Type.Number({
          exclusiveMinimum: 0,
          maximum: 100,
          default: DEFAULT_HMM.maxCost,
          description: "hmm: the most one step can count against a zone (nats)",
        }),
        hmmLag: Type.Integer({
          minimum: 0,
          maximum: 60,
          default: DEFAULT_HMM.lag,
          description: "hmm: steps a decision waits for the evidence after it (reported this much later, dated exactly)",
        }),
        hmmStepMs: Type.Integer({ minimum: 100, maximum: 60_000, default: DEFAULT_HMM.stepMs, description: "hmm: one decoding step" }),
        adjacency: Type.Optional(
          Type.Array(Type.Tuple([Type.String({ pattern: ID_PATTERN }), Type.String({ pattern: ID_PATTERN })]), {
            description:
              'hmm: zone pairs one can walk between directly, e.g. [["entrance","fruit"]] (default: zones of the layout whose outlines are within adjacencyGapM; without a layout, any zone to any)',
          }),
        ),
        adjacencyGapM: Type.Number({ minimum: 0, maximum: 50, default: 1, description: "hmm: layout zones at most this far apart (metres) are adjacent" }),
        hysteresisDb: Type.Number({
          minimum: 0,
          maximum: 40,
          default: 4,
          description: "hysteresis: another zone must be stronger by this much to take the beacon",
        }),
        minStayMs: Type.Integer({
          minimum: 0,
          maximum: 600_000,
          default: 6000,
          description:
            "hysteresis: a zone change must hold this long to count (then dated from its start); hmm: a beacon must be heard this long before its first zone counts",
        }),
        tickMs: Type.Integer({ minimum: 50, maximum: 60_000, default: 1000, description: "how often signal loss and pending changes are checked" }),
      },
      { additionalProperties: false, default: {} },
    ),
  },
  { additionalProperties: false, default: {} },
);

export type BeaconSettings = Static<typeof BeaconSettingsSchema>;

/** Fill defaults and list every problem. */
export function checkBeaconSettings(input: unknown): Checked<BeaconSettings> {
  const checked = checkValue(BeaconSettingsSchema, input);
  const s = checked.value;
  const problems = [...checked.problems];
  if (typeof s !== "object" || s === null) return checked;
  if (s.receivers && typeof s.receivers === "object" && Object.keys(s.receivers).length === 0)
    problems.push('/receivers: list at least one receiver and its zone, e.g. {"gw-1":{"zone":"fruit"}}');
  if (!s.mqtt && !s.http && !s.noble) problems.push("/: give at least one input: mqtt (gateway feed), http (gateway feed) or noble (local scanner)");
  if (typeof s.beaconPattern === "string") {
    try {
      new RegExp(s.beaconPattern);
    } catch (err) {
      problems.push(`/beaconPattern: not a regular expression: ${(err as Error).message}`);
    }
  }
  if (typeof s.privacy?.timezone === "string") {
    try {
      new Intl.DateTimeFormat("en", { timeZone: s.privacy.timezone });
    } catch {
      problems.push(`/privacy/timezone: "${s.privacy.timezone}" is not a time zone (e.g. Europe/Paris)`);
    }
  }
  if (s.noble && s.receivers && !(s.noble.receiver in s.receivers)) problems.push(`/noble/receiver: "${s.noble.receiver}" is not in receivers: give it a zone`);
  return { value: s, problems };
}
