export { DoorSource } from "./door.js";
export { DoorSettingsSchema, checkDoorSettings, type DoorSettings } from "./settings.js";
export { BeamDecoder, type Beam, type BeamEdge, type Crossing } from "./beams.js";
export { LineProtocol, type LineReading } from "./lines.js";
export { readPush, type PushMapping } from "./http.js";
export * from "./counter.js";
