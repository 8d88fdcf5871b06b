import { kalmanStep, type KalmanParams, type KalmanState } from "./kalman.js";

/** One reading: `receiver` heard `beacon` at `rssi` dBm at `ts` (ms). */
export interface Sighting {
  receiver: string;
  beacon: string;
  rssi: number;
  ts: number;
}

/** A zone change of one beacon (its raw id: the caller hashes it before anything leaves). */
export interface ZoneChange {
  type: "enter" | "exit";
  beacon: string;
  zone: string;
  ts: number;
  /** Why an exit happened: moved to another zone, left the zones (weak signal), or the signal was lost. */
  reason?: "moved" | "left" | "lost";
}

export interface TrackerOptions {
  /** Receiver id -> its zone, and an optional RSSI offset (dB) that evens out receivers' gains. */
  receivers: Record<string, { zone: string; offsetDb?: number | undefined }>;
  kalman: KalmanParams;
  /** A receiver not heard from for a beacon for this long no longer votes for it (ms). */
  staleMs: number;
  /** No receiver heard the beacon for this long: it left (exit at the last time it was heard) (ms). */
  lostAfterMs: number;
  /** Below this smoothed RSSI (dBm) a beacon is in no zone (it walked away from every receiver). */
  minRssi: number;
  /** Another zone must be stronger by this many dB to take the beacon from its current zone. */
  hysteresisDb: number;
  /** A zone change must hold this long before it is reported (back-dated to when it began) (ms). */
  minStayMs: number;
}

interface Track {
  filters: Map<string, KalmanState>;
  lastSeen: number;
  zone: string | null;
  /** When the current zone was entered (changes are never dated before it). */
  zoneSince: number;
  candidate: { zone: string | null; since: number } | null;
  /** The strongest zone without hysteresis, and since when it has been the strongest. */
  leader: { zone: string; since: number } | null;
}

/**
 * Beacons to zones, pure (time comes with the sightings and `tick(now)`): per beacon and receiver
 * a Kalman-smoothed RSSI; a zone's strength is its strongest fresh receiver; the beacon is in the
 * strongest zone, with hysteresis (a rival must beat the current zone by `hysteresisDb`) and a
 * minimum stay (a change must hold `minStayMs` before it counts, and is then dated from when it
 * began, so dwell stays exact), judged at each sighting. A beacon heard by no receiver for `lostAfterMs` exits where it was,
 * at the time it was last heard.
 */
export class BeaconTracker {
  private readonly tracks = new Map<string, Track>();

  constructor(private readonly opts: TrackerOptions) {}

  /** Beacons currently tracked (for status). */
  size(): number {
    return this.tracks.size;
  }

  /** The zone a beacon is in now, or null. */
  zoneOf(beacon: string): string | null {
    return this.tracks.get(beacon)?.zone ?? null;
  }

  /** Take one sighting; returns the zone changes it confirms (a sighting from an unknown receiver is ignored). */
  see(s: Sighting): ZoneChange[] {
    const rx = this.opts.receivers[s.receiver];
    if (!rx || !Number.isFinite(s.rssi)) return [];
    let track = this.tracks.get(s.beacon);
    if (!track) {
      track = { filters: new Map(), lastSeen: s.ts, zone: null, zoneSince: s.ts, candidate: null, leader: null };
      this.tracks.set(s.beacon, track);
    }
    const out = this.expire(s.beacon, track, s.ts);
    if (!this.tracks.has(s.beacon)) {
      track = { filters: new Map(), lastSeen: s.ts, zone: null, zoneSince: s.ts, candidate: null, leader: null };
      this.tracks.set(s.beacon, track);
    }
    track.filters.set(s.receiver, kalmanStep(track.filters.get(s.receiver) ?? null, s.rssi + (rx.offsetDb ?? 0), s.ts, this.opts.kalman));
    track.lastSeen = Math.max(track.lastSeen, s.ts);
    out.push(...this.decide(s.beacon, track, s.ts));
    return out;
  }

  /**
   * Time has reached `now`: beacons unheard for `lostAfterMs` exit. Zone decisions are taken only at
   * sightings (the evidence), never at ticks, so how often the caller ticks changes nothing but
   * how soon a loss is noticed.
   */
  tick(now: number): ZoneChange[] {
    const out: ZoneChange[] = [];
    for (const [beacon, track] of [...this.tracks]) out.push(...this.expire(beacon, track, now));
    return out;
  }

  /** Everyone exits now (shutdown): the open visits are closed at each beacon's last sighting. */
  flush(): ZoneChange[] {
    const out: ZoneChange[] = [];
    for (const [beacon, track] of this.tracks) if (track.zone !== null) out.push({ type: "exit", beacon, zone: track.zone, ts: track.lastSeen, reason: "lost" });
    this.tracks.clear();
    return out;
  }

  private expire(beacon: string, track: Track, now: number): ZoneChange[] {
    if (now - track.lastSeen < this.opts.lostAfterMs) return [];
    this.tracks.delete(beacon);
    return track.zone === null ? [] : [{ type: "exit", beacon, zone: track.zone, ts: track.lastSeen, reason: "lost" }];
  }

  /** The zone each fresh receiver votes for, strongest first: zone -> smoothed RSSI (the best of its receivers). */
  private strengths(track: Track, now: number): Map<string, number> {
    const byZone = new Map<string, number>();
    for (const [receiver, f] of track.filters) {
      if (now - f.ts > this.opts.staleMs) continue;
      const zone = this.opts.receivers[receiver]!.zone;
      const prev = byZone.get(zone);
      if (prev === undefined || f.x > prev) byZone.set(zone, f.x);
    }
    return byZone;
  }

  private decide(beacon: string, track: Track, now: number): ZoneChange[] {
    const o = this.opts;
    const strength = this.strengths(track, now);
    // No fresh receiver: nothing to decide on; the beacon stays where it was until it is heard or lost.
    if (strength.size === 0) return [];
    let best: string | null = null;
    let bestRssi = -Infinity;
    for (const [zone, rssi] of strength) {
      if (rssi > bestRssi || (rssi === bestRssi && best !== null && zone < best)) {
        best = zone;
        bestRssi = rssi;
      }
    }
    if (best !== null && track.leader?.zone !== best) track.leader = { zone: best, since: now };
    if (bestRssi < o.minRssi) best = null;
    // Hysteresis: the current zone holds while it is within hysteresisDb of the best and above the floor (minus the margin).
    let desired = best;
    if (track.zone !== null) {
      const current = strength.get(track.zone);
      if (current !== undefined && current >= bestRssi - o.hysteresisDb && current >= o.minRssi - o.hysteresisDb) desired = track.zone;
    }
    if (desired === track.zone) {
      track.candidate = null;
      return [];
    }
    if (track.candidate === null || track.candidate.zone !== desired) {
      track.candidate = { zone: desired, since: now };
    }
    if (now - track.candidate.since < o.minStayMs) return [];
    // Date the change from when the new zone became the strongest (the hysteresis only delays the
    // decision, not the date), never before the current zone was entered.
    const leadSince = desired !== null && track.leader?.zone === desired ? track.leader.since : track.candidate.since;
    const at = Math.max(track.zoneSince, Math.min(leadSince, track.candidate.since));
    const out: ZoneChange[] = [];
    if (track.zone !== null) out.push({ type: "exit", beacon, zone: track.zone, ts: at, reason: desired === null ? "left" : "moved" });
    if (desired !== null) out.push({ type: "enter", beacon, zone: desired, ts: at });
    track.zone = desired;
    track.zoneSince = at;
    track.candidate = null;
    return out;
  }
}
