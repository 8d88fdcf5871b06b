import { Type, type Static } from "@sinclair/typebox";
import { ID_PATTERN } from "@footfall/core";
import { checkValue, type Checked } from "../../schema.js";

const SerialSchema = Type.Object(
  {
    path: Type.Optional(Type.String({ minLength: 1, description: "serial device, e.g. /dev/ttyUSB0 (required with input \"serial\")" })),
    baudRate: Type.Integer({ minimum: 50, maximum: 4_000_000, default: 9600, description: "baud rate" }),
    patterns: Type.Object(
      {
        in: Type.String({ default: "^IN(?:[ =:]+(?<n>\\d+))?$", description: "regex of a line meaning people in; named group n = how many (default 1)" }),
        out: Type.String({ default: "^OUT(?:[ =:]+(?<n>\\d+))?$", description: "regex of a line meaning people out; named group n = how many (default 1)" }),
        totals: Type.Optional(Type.String({ description: "regex of a line with the device's cumulative totals, named groups in and/or out, e.g. ^T IN=(?<in>\\d+) OUT=(?<out>\\d+)$" })),
        beam: Type.Optional(Type.String({ description: "regex of a raw beam edge for the dual-beam decoder, named groups beam (A or B) and state, e.g. ^(?<beam>[AB])(?<state>[01])$" })),
      },
      { additionalProperties: false, default: {} },
    ),
    silenceMs: Type.Optional(
      Type.Integer({ minimum: 1000, maximum: 86_400_000, description: "no line for this long means the device is gone: reopen it (for devices that report or answer polls regularly)" }),
    ),
    blockedStates: Type.Array(Type.String(), { default: ["1"], description: "values of the beam pattern's state group that mean blocked" }),
    poll: Type.Optional(
      Type.Object(
        {
          command: Type.String({ minLength: 1, description: "written to the device (\\r\\n as escapes in JSON)" }),
          everyMs: Type.Integer({ minimum: 100, maximum: 3_600_000, default: 5000, description: "how often" }),
        },
        { additionalProperties: false, description: "for devices that answer only when asked" },
      ),
    ),
  },
  { additionalProperties: false, default: {} },
);

const HttpSchema = Type.Object(
  {
    host: Type.String({ default: "0.0.0.0", description: "address to listen on" }),
    port: Type.Integer({ minimum: 0, maximum: 65_535, default: 8090, description: "port to listen on (0: any free port, logged)" }),
    path: Type.String({ pattern: "^/", default: "/count", description: "URL path sensors POST to" }),
    secret: Type.Optional(Type.String({ minLength: 16, description: "shared secret sensors send as `Authorization: Bearer <secret>`, header `X-Footfall-Secret` or `?secret=` (required with input \"http\")" })),
    mapping: Type.Object(
      {
        items: Type.Optional(Type.String({ description: "dotted path of an array of records in the body (each is mapped and added), e.g. data.counts; default: the body itself (an object or an array)" })),
        in: Type.String({ default: "in", description: "dotted path of the people-in number in a record, e.g. counts.entries" }),
        out: Type.String({ default: "out", description: "dotted path of the people-out number in a record" }),
        mode: Type.Union([Type.Literal("delta"), Type.Literal("total")], { default: "delta", description: "\"delta\": crossings since the sensor's last push; \"total\": the sensor's cumulative counters" }),
        sensor: Type.Optional(
          Type.String({
            description:
              "mode \"total\": dotted path of the sensor's id (serial number) in a record, e.g. serial; each sensor's totals are compared with its own last ones (default: the sensor's address and the record's place in the push)",
          }),
        ),
      },
      { additionalProperties: false, default: {} },
    ),
    maxBodyBytes: Type.Integer({ minimum: 256, maximum: 10_485_760, default: 65_536, description: "larger bodies get 413" }),
  },
  { additionalProperties: false, default: {} },
);

/** The door counter's settings (the `settings` object of a `door` agent's config). */
export const DoorSettingsSchema = Type.Object(
  {
    zone: Type.String({ pattern: ID_PATTERN, description: "the layout zone (usually an entrance) the counts are for" }),
    input: Type.Union([Type.Literal("serial"), Type.Literal("http")], { default: "serial", description: "\"serial\": a counter on a serial line; \"http\": sensors push counts to an HTTP endpoint" }),
    reportEverySeconds: Type.Number({ minimum: 1, maximum: 3600, default: 60, description: "publish a count event this often" }),
    reportZero: Type.Boolean({ default: false, description: "publish count events with in = out = 0 too (a heartbeat)" }),
    stateFile: Type.Optional(Type.String({ minLength: 1, description: "where the tally survives restarts (default <dataDir>/<agent>.door.json)" })),
    serial: SerialSchema,
    http: HttpSchema,
    beams: Type.Object(
      {
        debounceMs: Type.Integer({ minimum: 0, maximum: 5000, default: 30, description: "a beam edge counts once it held this long (shorter pulses are glitches)" }),
        swap: Type.Boolean({ default: false, description: "B is the street side (in = B then A)" }),
      },
      { additionalProperties: false, default: {} },
    ),
  },
  { additionalProperties: false, default: {} },
);

export type DoorSettings = Static<typeof DoorSettingsSchema>;

function regexProblem(source: string | undefined, where: string, groups: string[], anyOf = false): string | null {
  if (typeof source !== "string") return null; // missing, or already reported by the schema
  let re: RegExp;
  try {
    re = new RegExp(source);
  } catch (err) {
    return `${where}: not a regular expression: ${(err as Error).message}`;
  }
  const names = new Set(Object.keys(new RegExp(`${re.source}|`).exec("")?.groups ?? {}));
  const missing = groups.filter((g) => !names.has(g));
  if (anyOf ? missing.length === groups.length : missing.length > 0) return `${where}: needs the named group${groups.length > 1 ? "s" : ""} ${groups.map((g) => `(?<${g}>...)`).join(anyOf ? " or " : " and ")}`;
  return null;
}

/** Fill defaults and list every problem (the regexes are compiled here, so a typo fails at start). */
export function checkDoorSettings(input: unknown): Checked<DoorSettings> {
  const checked = checkValue(DoorSettingsSchema, input);
  const s = checked.value;
  const problems = [...checked.problems];
  // The checks below run even when the schema found problems, so every problem shows at once.
  if (typeof s !== "object" || s === null || typeof s.serial !== "object" || typeof s.http !== "object" || typeof s.serial.patterns !== "object") return { value: s, problems };
  if (s.input === "serial" && s.serial.path === undefined) problems.push('/serial/path: is required with input "serial" (e.g. /dev/ttyUSB0)');
  if (s.input === "http" && s.http.secret === undefined) problems.push('/http/secret: is required with input "http" (at least 16 characters; sensors send it as a bearer token)');
  for (const p of [
    regexProblem(s.serial.patterns.in, "/serial/patterns/in", []),
    regexProblem(s.serial.patterns.out, "/serial/patterns/out", []),
    regexProblem(s.serial.patterns.totals, "/serial/patterns/totals", ["in", "out"], true),
    regexProblem(s.serial.patterns.beam, "/serial/patterns/beam", ["beam", "state"]),
  ]) {
    if (p) problems.push(p);
  }
  return { value: s, problems };
}
