import { join } from "node:path";
import { personalIdKind } from "@footfall/core";
import { errorMessage } from "../../log.js";
import type { Source, SourceContext } from "../../source.js";
import { StateFile } from "../door/state-file.js";
import { layoutAdjacency } from "./adjacency.js";
import { feedRecords, readSighting } from "./feed.js";
import { startHttpFeed, startMqttFeed, startNobleScanner, type FeedInput } from "./inputs.js";
import type { BeaconSettings } from "./settings.js";
import { BeaconTracker, type Sighting, type ZoneChange } from "./tracker.js";
import { DailyVisitorIds, normaliseBeaconId, type SaltStore } from "./visitor-id.js";

/** Counters of a beacon source (logged). */
export interface BeaconStats {
  sightings: number;
  staff: number;
  ignored: number;
  bad: number;
  /** Sightings from a receiver that is not in `receivers` (ignored, each such receiver said once). */
  unknownReceiver: number;
}

/** Unknown receivers named in the log, at most (a feed full of made-up ids does not fill the memory or the log). */
const MAX_UNKNOWN_RECEIVERS_SAID = 100;

/**
 * The `beacon` source: BLE sightings (gateway feeds over MQTT or HTTP, or the local adapter) go
 * through the {@link BeaconTracker} (Kalman smoothing, then zones decided by an HMM that moves
 * between adjacent zones of the layout, exit on leaving or signal loss) and come out as enter/exit
 * events.
 *
 * Privacy: the raw beacon id never leaves this process. Visitor ids are HMAC-SHA256 of the id with
 * a salt that rotates daily ({@link DailyVisitorIds}); a visit keeps the id it started with, so
 * one visit is one visitor across midnight. Staff beacons are dropped at the door of the source.
 */
export class BeaconSource implements Source<BeaconSettings> {
  private inputs: FeedInput[] = [];
  private timer: ReturnType<typeof setInterval> | null = null;
  private statsTimer: ReturnType<typeof setInterval> | null = null;
  private tracker: BeaconTracker | null = null;
  private readonly counters: BeaconStats = { sightings: 0, staff: 0, ignored: 0, bad: 0, unknownReceiver: 0 };

  /** Ports of HTTP inputs (tests use port 0). */
  get httpPort(): number | null {
    return this.inputs.find((i) => i.port !== undefined)?.port ?? null;
  }

  stats(): BeaconStats {
    return { ...this.counters };
  }

  async start(ctx: SourceContext<BeaconSettings>): Promise<void> {
    const s = ctx.settings;
    const t = s.tracking;
    const tracker = new BeaconTracker({
      receivers: s.receivers,
      kalman: { q: t.kalmanQ, r: t.kalmanR },
      staleMs: t.staleMs,
      lostAfterMs: t.lostAfterMs,
      minRssi: t.minRssi,
      hysteresisDb: t.hysteresisDb,
      minStayMs: t.minStayMs,
      decoder: t.decoder,
      hmm: { stepMs: t.hmmStepMs, lag: t.hmmLag, moveCost: t.hmmMoveCost, scaleDb: t.hmmScaleDb, maxCost: t.hmmMaxCost },
      // The floor's adjacency: as configured, else from the layout when it comes (below), else any zone to any.
      adjacency: t.adjacency ?? null,
    });
    this.tracker = tracker;
    const saltPath = ctx.dataDir ? join(ctx.dataDir, `${ctx.agent ?? "beacon"}.beacon-salt.json`) : null;
    const saltFile = saltPath ? new StateFile<{ day: string; salt: string }>(saltPath) : null;
    const store: SaltStore | undefined = saltFile
      ? {
          load: () => {
            const v = saltFile.read()?.value as { day?: unknown; salt?: unknown } | undefined;
            return typeof v?.day === "string" && typeof v.salt === "string" && /^[0-9a-f]{64}$/.test(v.salt)
              ? { day: v.day, salt: Buffer.from(v.salt, "hex") }
              : null;
          },
          // A salt that cannot be kept (a full disk, a read-only data folder) is used from memory: the
          // agent goes on counting (it used to crash at the day's first visitor, and again at each restart).
          save: (e) => {
            try {
              saltFile.write({ day: e.day, salt: e.salt.toString("hex") });
            } catch (err) {
              ctx.log.error(
                { file: saltPath, day: e.day },
                `cannot keep the day's salt of visitor ids (${errorMessage(err)}): it is used from memory, and a restart today gives the visitors seen before it new ids (counted again). Free space on the disk or let the agent write its dataDir`,
              );
            }
          },
        }
      : undefined;
    const ids = new DailyVisitorIds({ timeZone: s.privacy.timezone, prefix: s.privacy.prefix, secret: s.privacy.secret, store });
    const staff = new Set(s.staff.map(normaliseBeaconId));
    const only = s.beaconPattern ? new RegExp(s.beaconPattern, "i") : null;
    const visitors = new Map<string, string>();

    const emit = (changes: readonly ZoneChange[]): void => {
      for (const c of changes) {
        let visitor = visitors.get(c.beacon);
        if (visitor === undefined) {
          if (c.type === "exit") continue; // cannot happen: an exit follows an enter
          visitor = ids.idAt(c.beacon, ctx.now());
          visitors.set(c.beacon, visitor);
        }
        ctx.emit({ type: c.type, ts: Math.min(c.ts, ctx.now()), zone: c.zone, visitor });
        if (c.type === "exit" && c.reason !== "moved") visitors.delete(c.beacon);
      }
    };
    // The feed's clock: the latest sighting time, moved on by the wall time since it arrived. Loss
    // is judged on it, so a gateway sending a backlog (times in the past) is not taken for silence.
    let feedTs: number | null = null;
    let feedArrival = 0;
    const feedNow = (now: number): number => (feedTs === null ? now : Math.min(now, feedTs + (now - feedArrival)));
    const unknownSaid = new Set<string>();
    const see = (sighting: Sighting): void => {
      if (feedTs === null || sighting.ts >= feedTs) {
        feedTs = sighting.ts;
        feedArrival = ctx.now();
      }
      if (!Object.hasOwn(s.receivers, sighting.receiver)) {
        this.counters.unknownReceiver++;
        ctx.reject?.("unknown_receiver");
        const id = sighting.receiver.slice(0, 64);
        if (unknownSaid.size < MAX_UNKNOWN_RECEIVERS_SAID && !unknownSaid.has(id)) {
          unknownSaid.add(id);
          // A receiver id shaped like a MAC address may be a beacon's (a feed whose fields are mapped
          // the wrong way round): it is not written out, as no beacon id ever is.
          const shown = personalIdKind(id) === null ? `"${id}"` : "with an id shaped like a MAC address or a phone number (not logged: it may be a beacon's)";
          ctx.log.warn(
            { unknownReceivers: unknownSaid.size },
            `sightings from receiver ${shown} are ignored: it is not in settings.receivers (${Object.keys(s.receivers).join(", ")}). Add it with its zone, or fix the receiver id the feed gives (fields.receiver${s.mqtt?.receiverFromTopic === undefined ? "" : ", mqtt.receiverFromTopic"})`,
          );
        }
        return;
      }
      if (only && !only.test(sighting.beacon)) {
        this.counters.ignored++;
        return;
      }
      const beacon = normaliseBeaconId(sighting.beacon);
      if (staff.has(beacon)) {
        this.counters.staff++;
        return;
      }
      this.counters.sightings++;
      emit(tracker.see({ ...sighting, beacon }));
    };
    /** Take one feed message; returns why nothing in it could be used (for a 400), or null. */
    const onText = (text: string, receiver?: string): string | null => {
      const { records, bad } = feedRecords(text, s.items);
      ctx.read?.(records.length + bad);
      const notJson = "not JSON: send JSON records, an array of them, or JSON lines";
      let firstError: string | null = null;
      if (bad > 0) {
        const before = this.counters.bad;
        this.counters.bad += bad;
        ctx.reject?.("bad_sighting", bad);
        firstError = notJson;
        // Said like a bad record (the first five, then every thousandth): a gateway over MQTT gets no 400.
        if (before < 5 || Math.floor(this.counters.bad / 1000) > Math.floor(before / 1000))
          ctx.log.warn({ bad: this.counters.bad }, `bad sighting message${receiver === undefined ? "" : ` from receiver ${personalIdKind(receiver) === null ? receiver.slice(0, 64) : "(an id shaped like a MAC address)"}`}: ${notJson}`);
      }
      let used = 0;
      const now = ctx.now();
      for (const r of records) {
        const read = readSighting(r, s.fields, now, receiver);
        if (read.ok) {
          used++;
          see(read.value);
          continue;
        }
        this.counters.bad++;
        ctx.reject?.("bad_sighting");
        firstError = read.error;
        if (this.counters.bad <= 5 || this.counters.bad % 1000 === 0) ctx.log.warn({ bad: this.counters.bad }, `bad sighting: ${read.error}`);
      }
      return used === 0 ? firstError : null;
    };

    try {
      if (s.mqtt) {
        const level = s.mqtt.receiverFromTopic;
        this.inputs.push(
          await startMqttFeed({
            ...s.mqtt,
            clientId: `footfall-${ctx.agent ?? "beacon"}-feed`,
            log: ctx.log,
            onError: (err) => ctx.fail(err),
            onMessage: (text, topic) => void onText(text, level === undefined ? undefined : topic.split("/")[level]),
          }),
        );
      }
      if (s.http) this.inputs.push(await startHttpFeed({ ...s.http, log: ctx.log, onMessage: (text) => onText(text) }));
      if (s.noble) {
        const receiver = s.noble.receiver;
        this.inputs.push(
          await startNobleScanner({
            log: ctx.log,
            onError: (err) => ctx.fail(err),
            onSighting: (beacon, rssi) => see({ receiver, beacon, rssi, ts: ctx.now() }),
          }),
        );
      }
    } catch (err) {
      await this.closeInputs();
      throw err;
    }
    const onLayout = (): void => {
      const layout = ctx.layout();
      if (!layout) return;
      const zones = new Set(layout.zones.map((z) => z.id as string));
      const missing = Object.entries(s.receivers).filter(([, r]) => !zones.has(r.zone));
      if (missing.length > 0)
        ctx.log.warn(
          { layoutVersion: layout.version },
          `receivers in zones the layout does not have: ${missing.map(([id, r]) => `${id} -> ${r.zone}`).join(", ")}; the server rejects their events (unknown zone). Give each one of the layout's zones in settings.receivers (${[...zones].join(", ")}), or add the zone to the store's layout (Layout in the web app)`,
        );
      if (t.adjacency === undefined) tracker.setAdjacency(layoutAdjacency(layout.zones, t.adjacencyGapM));
    };
    onLayout();
    ctx.onLayout(onLayout);
    this.timer = setInterval(() => {
      try {
        emit(tracker.tick(feedNow(ctx.now())));
      } catch (err) {
        ctx.fail(new Error(`beacon tracking failed: ${errorMessage(err)}`));
      }
    }, t.tickMs);
    this.statsTimer = setInterval(() => ctx.log.info({ tracked: tracker.size(), ...this.counters }, "beacons"), 600_000);
  }

  private async closeInputs(): Promise<void> {
    const inputs = this.inputs;
    this.inputs = [];
    await Promise.all(inputs.map((i) => i.close().catch(() => {})));
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    if (this.statsTimer) clearInterval(this.statsTimer);
    this.timer = this.statsTimer = null;
    await this.closeInputs();
    this.tracker = null;
  }
}
