import { decodeStep, emission, flushDecoder, initDecoder, zoneModel, type Adjacency, type DecoderState, type ZoneModel } from "./hmm.js";
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
  /**
   * hysteresis: a zone change must hold this long before it is reported (back-dated to when it
   * began); hmm: a beacon must be heard this long before its first zone is reported (ms).
   */
  minStayMs: number;
  /**
   * How zones are decided from the smoothed strengths: `hmm` (default), a hidden Markov model over
   * the zones with the floor's adjacency as its moves (hmm.ts); `hysteresis`, the strongest zone
   * with `hysteresisDb` and `minStayMs`.
   */
  decoder?: "hmm" | "hysteresis";
  /** The HMM's parameters (decoder `hmm`); see {@link DEFAULT_HMM}. */
  hmm?: Partial<HmmOptions>;
  /** Zone pairs one can walk between directly (either order); null or absent: any zone to any. */
  adjacency?: Adjacency;
}

export interface HmmOptions {
  /** One decoding step (ms). */
  stepMs: number;
  /** Steps a decision waits for the evidence after it (so zone changes are reported this late, dated exactly). */
  lag: number;
  /** Log-cost (nats) of a zone change: the evidence a change must gather over the window. */
  moveCost: number;
  /** dB behind the strongest zone that cost one nat in a step. */
  scaleDb: number;
  /** The most one step may cost a zone (nats). */
  maxCost: number;
}

/**
 * Measured on the beacon benchmark (test/bench/beacon-accuracy.mjs, BENCHMARKS.md): a lag of 30 s
 * outlasts the stretches of 10-20 s in which correlated fading favours the zone next door (with
 * 15 s, 6 dB correlated shadowing gives 0.14 spurious changes per visit; with 30 s, 0.06).
 */
export const DEFAULT_HMM: HmmOptions = { stepMs: 1000, lag: 30, moveCost: 15, scaleDb: 6, maxCost: 4 };

interface Track {
  filters: Map<string, KalmanState>;
  lastSeen: number;
  zone: string | null;
  /** When the current zone was entered (changes are never dated before it). */
  zoneSince: number;
  candidate: { zone: string | null; since: number } | null;
  /** The strongest zone without hysteresis, and since when it has been the strongest. */
  leader: { zone: string; since: number } | null;
  /** First sighting (ms). */
  firstSeen: number;
  /** hmm: the decoder, the time of its next step and the times of the steps in its window. */
  decoder: DecoderState;
  nextStep: number;
  stepTimes: number[];
}

/**
 * Beacons to zones, pure (time comes with the sightings and `tick(now)`): per beacon and receiver
 * a Kalman-smoothed RSSI; a zone's strength is its strongest fresh receiver. With the `hmm`
 * decoder (default), a hidden Markov model over the zones takes a strengths snapshot every
 * `stepMs` and decides with a lag of a few steps, moving only between adjacent zones (hmm.ts);
 * changes are dated at the step they began. With `hysteresis`, the beacon is in the strongest
 * zone, with hysteresis (a rival must beat the current zone by `hysteresisDb`) and a minimum stay
 * (a change must hold `minStayMs` before it counts, and is then dated from when it began, so
 * dwell stays exact), judged at each sighting. Either way decisions are taken only on sightings,
 * and a beacon heard by no receiver for `lostAfterMs` exits where it was, at the time it was last
 * heard.
 */
export class BeaconTracker {
  private readonly tracks = new Map<string, Track>();
  private readonly hmm: HmmOptions;
  private model: ZoneModel;

  constructor(private readonly opts: TrackerOptions) {
    this.hmm = { ...DEFAULT_HMM, ...opts.hmm };
    this.model = this.modelOf(opts.adjacency ?? null);
  }

  private modelOf(adjacency: Adjacency): ZoneModel {
    const zones = [...new Set(Object.values(this.opts.receivers).map((r) => r.zone))].sort();
    return zoneModel(zones, adjacency, this.hmm.moveCost);
  }

  /** The floor's adjacency changed (a new layout): later steps move by it. */
  setAdjacency(adjacency: Adjacency): void {
    this.model = this.modelOf(adjacency);
  }

  private get usesHmm(): boolean {
    return (this.opts.decoder ?? "hmm") === "hmm";
  }

  private newTrack(ts: number): Track {
    return {
      filters: new Map(),
      lastSeen: ts,
      zone: null,
      zoneSince: ts,
      candidate: null,
      leader: null,
      firstSeen: ts,
      decoder: initDecoder(),
      nextStep: ts,
      stepTimes: [],
    };
  }

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
    // Own keys only: a receiver named "constructor" or "__proto__" is unknown, not Object's.
    const rx = Object.hasOwn(this.opts.receivers, s.receiver) ? this.opts.receivers[s.receiver] : undefined;
    if (!rx || !Number.isFinite(s.rssi)) return [];
    let track = this.tracks.get(s.beacon);
    if (!track) {
      track = this.newTrack(s.ts);
      this.tracks.set(s.beacon, track);
    }
    const out = this.expire(s.beacon, track, s.ts);
    if (!this.tracks.has(s.beacon)) {
      track = this.newTrack(s.ts);
      this.tracks.set(s.beacon, track);
    }
    // hmm: the steps before this sighting are observed on what was heard up to them.
    if (this.usesHmm) out.push(...this.advance(s.beacon, track, (t) => t < s.ts));
    track.filters.set(s.receiver, kalmanStep(track.filters.get(s.receiver) ?? null, s.rssi + (rx.offsetDb ?? 0), s.ts, this.opts.kalman));
    track.lastSeen = Math.max(track.lastSeen, s.ts);
    if (!this.usesHmm) out.push(...this.decide(s.beacon, track, s.ts));
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
    for (const [beacon, track] of this.tracks) {
      if (this.usesHmm) out.push(...this.finish(beacon, track));
      if (track.zone !== null) out.push({ type: "exit", beacon, zone: track.zone, ts: track.lastSeen, reason: "lost" });
    }
    this.tracks.clear();
    return out;
  }

  private expire(beacon: string, track: Track, now: number): ZoneChange[] {
    if (now - track.lastSeen < this.opts.lostAfterMs) return [];
    this.tracks.delete(beacon);
    const out = this.usesHmm ? this.finish(beacon, track) : [];
    if (track.zone !== null) out.push({ type: "exit", beacon, zone: track.zone, ts: track.lastSeen, reason: "lost" });
    return out;
  }

  /**
   * hmm: observe every step `due` says has come, each on the receivers fresh at its time, and
   * report the zone changes the decoder commits (dated at their step). Until the beacon has been
   * heard `minStayMs`, the decoder commits nothing (its first zone waits for that much evidence).
   */
  private advance(beacon: string, track: Track, due: (t: number) => boolean): ZoneChange[] {
    const out: ZoneChange[] = [];
    const { stepMs, lag } = this.hmm;
    const p = { minRssi: this.opts.minRssi, scaleDb: this.hmm.scaleDb, maxCost: this.hmm.maxCost };
    while (due(track.nextStep)) {
      const t = track.nextStep;
      track.nextStep += stepMs;
      const waitFirst = track.decoder.committed === null ? Math.max(lag, Math.ceil(this.opts.minStayMs / stepMs)) : lag;
      const r = decodeStep(this.model, track.decoder, emission(this.model, this.strengths(track, t), p), waitFirst);
      track.decoder = r.state;
      track.stepTimes.push(t);
      for (const state of r.committed) out.push(...this.moveTo(beacon, track, state, track.stepTimes.shift()!));
    }
    return out;
  }

  /** hmm: the beacon is gone; commit what the window holds (if it was heard long enough to count). */
  private finish(beacon: string, track: Track): ZoneChange[] {
    const out = this.advance(beacon, track, (t) => t <= track.lastSeen);
    if (track.decoder.committed === null && track.lastSeen - track.firstSeen < this.opts.minStayMs) return out;
    flushDecoder(this.model, track.decoder).forEach((state, k) => out.push(...this.moveTo(beacon, track, state, track.stepTimes[k]!)));
    return out;
  }

  /** The zone changes of moving the beacon to decoder state `state` at `ts`. */
  private moveTo(beacon: string, track: Track, state: number, ts: number): ZoneChange[] {
    const zone = this.model.zones[state] ?? null;
    if (zone === track.zone) return [];
    const out: ZoneChange[] = [];
    if (track.zone !== null) out.push({ type: "exit", beacon, zone: track.zone, ts, reason: zone === null ? "left" : "moved" });
    if (zone !== null) out.push({ type: "enter", beacon, zone, ts });
    track.zone = zone;
    track.zoneSince = ts;
    return out;
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
