/**
 * From tracks to v1 events: zone enter/exit with hysteresis, position samples, counting-line
 * crossings, anonymous rotating visitor ids. No I/O and no clock: every call carries the frame's
 * `ts`, and random ids come from an injected function, so it is tested directly.
 */
import type { Layout } from "@footfall/core";
import type { EventDraft } from "../../source.js";
import { applyHomography, mapsInFront, type Homography } from "../../vision/homography.js";
import { stepLine, type CountLine, type LineMemory } from "../../vision/line.js";
import { stepZones, zonesInside, type Membership, type ZoneShape } from "../../vision/zones.js";
import type { TrackView } from "../../vision/tracker.js";

export interface SceneOptions {
  homography: Homography | null;
  /** Sign of the homography's w for points on the floor (which side of the horizon is the floor). */
  frontSign: number;
  minFramesIn: number;
  minFramesOut: number;
  positionEveryMs: number;
  rotateVisitorMs: number;
  line: (CountLine & { zone: string; reportEveryMs: number }) | null;
  /** A fresh anonymous visitor id (random, never derived from what the camera sees). */
  newVisitor: () => string;
}

interface TrackMemory {
  visitor: string;
  visitorSince: number;
  membership: Membership;
  lastPositionTs: number;
  lastSeenTs: number;
  line: LineMemory | null;
  confidence: number;
}

export class Scene {
  private readonly tracks = new Map<number, TrackMemory>();
  private counts = { in: 0, out: 0, lastTs: 0 };
  private lastCountReport: number | null = null;
  /** Crossings counted since the start, for metrics and benches. */
  readonly totals = { in: 0, out: 0, enters: 0, exits: 0, positions: 0, visitors: 0 };

  constructor(
    private readonly o: SceneOptions,
    private readonly emit: (e: EventDraft) => void,
  ) {}

  /** Zones of the layout (empty without a layout or a calibration: zones are on the floor). */
  static zonesOf(layout: Layout | null): ZoneShape[] {
    return layout ? layout.zones.map((z) => ({ id: z.id, polygon: z.polygon })) : [];
  }

  floorPoint(foot: readonly [number, number]): [number, number] | null {
    const H = this.o.homography;
    if (!H || !mapsInFront(H, foot, this.o.frontSign)) return null;
    return applyHomography(H, foot);
  }

  /** One processed frame: the tracker's confirmed tracks and the ids it dropped. Returns the line crossings of this frame. */
  step(ts: number, active: readonly TrackView[], removed: readonly number[], zones: readonly ZoneShape[]): ("in" | "out")[] {
    const o = this.o;
    const crossed: ("in" | "out")[] = [];
    const canZone = o.homography !== null;
    // The line's zone is counted by the line alone: were its outline to give enters too, the server,
    // which adds a zone's visits to its counts' in, would count each person through it twice.
    if (o.line) zones = zones.filter((z) => z.id !== o.line!.zone);
    for (const t of active) {
      let m = this.tracks.get(t.id);
      if (!m) {
        m = { visitor: o.newVisitor(), visitorSince: ts, membership: {}, lastPositionTs: -Infinity, lastSeenTs: ts, line: null, confidence: t.score };
        this.tracks.set(t.id, m);
        this.totals.visitors++;
      }
      m.lastSeenTs = ts;
      m.confidence = t.score;
      if (o.rotateVisitorMs > 0 && ts - m.visitorSince >= o.rotateVisitorMs) this.rotate(m, ts);
      const floor = this.floorPoint(t.foot);
      if (canZone) {
        const z = stepZones(m.membership, floor, zones, o);
        m.membership = z.membership;
        for (const zone of z.exited) this.zoneEvent("exit", ts, zone, m);
        for (const zone of z.entered) this.zoneEvent("enter", ts, zone, m);
      }
      if (floor && o.positionEveryMs > 0 && ts - m.lastPositionTs >= o.positionEveryMs) {
        m.lastPositionTs = ts;
        this.totals.positions++;
        this.emit({ type: "position", ts, visitor: m.visitor, x: round(floor[0], 3), y: round(floor[1], 3) });
      }
      if (o.line) {
        const r = stepLine(o.line, m.line, t.foot);
        m.line = r.memory;
        if (r.crossing) {
          crossed.push(r.crossing);
          this.counts[r.crossing]++;
          this.totals[r.crossing]++;
          this.counts.lastTs = ts;
        }
      }
    }
    for (const id of removed) this.end(id);
    this.reportCounts(ts, false);
    return crossed;
  }

  /** The stream dropped or the source stops: every track ends where it was last seen. */
  endAll(ts: number): void {
    for (const id of [...this.tracks.keys()]) this.end(id);
    this.reportCounts(ts, true);
  }

  get trackCount(): number {
    return this.tracks.size;
  }

  private end(id: number): void {
    const m = this.tracks.get(id);
    if (!m) return;
    for (const zone of zonesInside(m.membership)) this.zoneEvent("exit", m.lastSeenTs, zone, m);
    this.tracks.delete(id);
  }

  private rotate(m: TrackMemory, ts: number): void {
    const inside = zonesInside(m.membership);
    for (const zone of inside) this.zoneEvent("exit", ts, zone, m);
    m.visitor = this.o.newVisitor();
    m.visitorSince = ts;
    for (const zone of inside) this.zoneEvent("enter", ts, zone, m);
  }

  private zoneEvent(type: "enter" | "exit", ts: number, zone: string, m: TrackMemory): void {
    this.totals[type === "enter" ? "enters" : "exits"]++;
    this.emit({ type, ts, zone, visitor: m.visitor, confidence: round(Math.min(1, Math.max(0, m.confidence)), 3) });
  }

  private reportCounts(ts: number, force: boolean): void {
    const line = this.o.line;
    if (!line) return;
    this.lastCountReport ??= ts;
    if (this.counts.in + this.counts.out === 0) return;
    if (!force && ts - this.lastCountReport < line.reportEveryMs) return;
    this.emit({ type: "count", ts: this.counts.lastTs, zone: line.zone, in: this.counts.in, out: this.counts.out });
    this.counts = { in: 0, out: 0, lastTs: 0 };
    this.lastCountReport = ts;
  }
}

function round(v: number, digits: number): number {
  const k = 10 ** digits;
  return Math.round(v * k) / k;
}
