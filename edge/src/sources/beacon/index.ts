export { BeaconSource, type BeaconStats } from "./beacon.js";
export { BeaconSettingsSchema, checkBeaconSettings, type BeaconSettings } from "./settings.js";
export { BeaconTracker, type Sighting, type TrackerOptions, type ZoneChange } from "./tracker.js";
export { kalmanStep, type KalmanParams, type KalmanState } from "./kalman.js";
export { DailyVisitorIds, visitorIdOf, dayKey, normaliseBeaconId } from "./visitor-id.js";
export { feedRecords, readSighting, parseFeedTime, type FeedFields } from "./feed.js";
