export { BeaconSource, type BeaconStats } from "./beacon.js";
export { BeaconSettingsSchema, checkBeaconSettings, type BeaconSettings } from "./settings.js";
export { BeaconTracker, DEFAULT_HMM, type HmmOptions, type Sighting, type TrackerOptions, type ZoneChange } from "./tracker.js";
export { kalmanStep, type KalmanParams, type KalmanState } from "./kalman.js";
export { DailyVisitorIds, visitorIdOf, dayKey, normaliseBeaconId } from "./visitor-id.js";
export { feedRecords, readSighting, parseFeedTime, type FeedFields } from "./feed.js";
export { zoneModel, emission, viterbi, decodeStep, flushDecoder, initDecoder, mayMove, type ZoneModel, type Adjacency, type DecoderState } from "./hmm.js";
export { layoutAdjacency, polygonDistance } from "./adjacency.js";
