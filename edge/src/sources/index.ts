import type { TSchema } from "@sinclair/typebox";
import type { AgentKind } from "@footfall/core";
import type { Checked } from "../schema.js";
import type { Source } from "../source.js";
import { BeaconSettingsSchema, BeaconSource, checkBeaconSettings } from "./beacon/index.js";
import { DoorSettingsSchema, DoorSource, checkDoorSettings } from "./door/index.js";
import { CameraSettingsSchema, checkCameraSettings, createCameraSource } from "./camera/index.js";
import { SimSource } from "./sim.js";
import { SimSettingsSchema, checkSimSettings } from "./sim/settings.js";

/** A source kind the agent can run: its settings schema and a factory. */
export interface SourceDefinition<S> {
  kind: AgentKind;
  /** One line for `--help`. */
  summary: string;
  /** The TypeBox schema of `settings`, with defaults and descriptions (for `--help`). */
  settingsSchema: TSchema;
  /** Fill defaults and list every problem of a `settings` object. */
  checkSettings(input: unknown): Checked<S>;
  /** A new source instance. */
  create(): Source<S>;
}

/** Every kind of protocol v1 and what runs it. */
export const SOURCES: Record<AgentKind, SourceDefinition<unknown>> = {
  sim: {
    kind: "sim",
    summary: "a simulated store: visitors, dwell by zone, paths, checkout, a door counter",
    settingsSchema: SimSettingsSchema,
    checkSettings: checkSimSettings,
    create: () => new SimSource(),
  },
  door: {
    kind: "door",
    summary: "a door counter (serial line protocol, HTTP push, or dual beams): count events",
    settingsSchema: DoorSettingsSchema,
    checkSettings: checkDoorSettings,
    create: () => new DoorSource(),
  },
  beacon: {
    kind: "beacon",
    summary: "BLE beacons (gateway feeds over MQTT/HTTP, or the local adapter): zone enters and exits under hashed, daily-rotating ids",
    settingsSchema: BeaconSettingsSchema,
    checkSettings: checkBeaconSettings,
    create: () => new BeaconSource(),
  },
  camera: {
    kind: "camera",
    summary: "a camera (file, RTSP or V4L2 through ffmpeg) with person detection and tracking: zone enters, exits, positions, line counts",
    settingsSchema: CameraSettingsSchema,
    checkSettings: checkCameraSettings,
    create: () => createCameraSource(),
  },
};

type HelpSchema = TSchema & { description?: string; default?: unknown; properties?: Record<string, HelpSchema>; required?: string[] };

/** Help text listing a settings schema's keys (and those of its sections: with defaults, or optional ones at the top) with their defaults and descriptions. */
export function settingsHelp(schema: TSchema, prefix = "", inOptionalGroup = false): string {
  const s = schema as HelpSchema;
  const required = new Set(s.required ?? []);
  const lines: string[] = [];
  for (const [key, prop] of Object.entries(s.properties ?? {})) {
    const name = prefix + key;
    if (prop.properties && prop.default !== undefined) {
      lines.push(settingsHelp(prop, `${name}.`, inOptionalGroup));
      continue;
    }
    // An optional group (a beacon's mqtt or http feed, a camera's audit page): its own line, then
    // the settings it takes, so that --help shows how to fill it in.
    // (One level: the groups inside it, such as a whole layout's floor and zones, stay one line each.)
    if (prop.properties && Object.keys(prop.properties).length > 0 && !inOptionalGroup) {
      lines.push(`  ${name.padEnd(24)} ${prop.description ?? ""} (${required.has(key) ? "required" : "optional"})`);
      lines.push(settingsHelp(prop, `${name}.`, true));
      continue;
    }
    const description = prop.description ?? "";
    let def = prop.default === undefined ? (required.has(key) ? "required" : /default/.test(description) ? "" : "optional") : `default ${JSON.stringify(prop.default)}`;
    if (def.length > 50) def = "default: built in, long";
    lines.push(`  ${name.padEnd(24)} ${description}${def ? ` (${def})` : ""}`);
  }
  return lines.join("\n");
}
