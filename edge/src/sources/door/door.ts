import { join } from "node:path";
import { errorMessage } from "../../log.js";
import type { Source, SourceContext } from "../../source.js";
import { BeamDecoder, type Beam, type Crossing } from "./beams.js";
import { addCrossings, addFirstPushOverSummedTotals, addSensorTotals, addTotals, emptyTally, hasSummedPushTotals, MAX_CROSSINGS, parseTally, takeReport, type DoorTally } from "./counter.js";
import { startPushEndpoint, type PushEndpoint } from "./http.js";
import { LineProtocol, type LineReading } from "./lines.js";
import { MAX_LINE_BYTES, openSerialLines, type SerialLines } from "./serial.js";
import type { DoorSettings } from "./settings.js";
import { StateFile } from "./state-file.js";

/** A counter's line for the log, its control characters written as \xNN (a wrong baud rate garbles lines into them). */
function printable(line: string): string {
  // eslint-disable-next-line no-control-regex
  return line.replace(/[\x00-\x1f\x7f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`);
}

/**
 * The `door` source: a door counter (serial line protocol, HTTP push, or raw beam edges through the
 * dual-beam decoder) publishing a `count` event for its zone every `reportEverySeconds`.
 *
 * Restarts never double or lose a report: the tally (crossings not reported yet, the device's
 * last totals) is written to a state file on every change, and a report first writes the tally
 * without the reported crossings and only then emits the event (which the outbox commits at once).
 * A crash between the two loses that one report rather than sending it twice.
 */
export class DoorSource implements Source<DoorSettings> {
  private tally: DoorTally = emptyTally();
  private state: StateFile<DoorTally> | null = null;
  private timers: Array<ReturnType<typeof setInterval>> = [];
  private serial: SerialLines | null = null;
  private http: PushEndpoint | null = null;
  private decoder: BeamDecoder | null = null;
  private ctx: SourceContext<DoorSettings> | null = null;

  /** The HTTP endpoint's port once started (tests, port 0). */
  get httpPort(): number | null {
    return this.http?.port ?? null;
  }

  async start(ctx: SourceContext<DoorSettings>): Promise<void> {
    this.ctx = ctx;
    const s = ctx.settings;
    const path = s.stateFile ?? (ctx.dataDir ? join(ctx.dataDir, `${ctx.agent ?? "door"}.door.json`) : null);
    this.state = path ? new StateFile<DoorTally>(path) : null;
    const stored = this.state?.read();
    const tally = stored ? parseTally(stored.value) : null;
    this.tally = tally ?? emptyTally();
    if (!path) ctx.log.warn("no dataDir or settings.stateFile: crossings not yet reported at a restart are lost, and device totals start a new baseline");
    else if (stored && !tally) ctx.log.warn(`${path} is not a door tally; starting from zero`);
    else ctx.log.info({ file: path, pendingIn: this.tally.pendingIn, pendingOut: this.tally.pendingOut, totalIn: this.tally.totalIn, totalOut: this.tally.totalOut }, "door tally");

    if (s.input === "serial") {
      const protocol = new LineProtocol(s.serial.patterns, s.serial.blockedStates);
      if (s.serial.patterns.beam) this.startDecoder(ctx);
      let unknown = 0;
      let overlong = 0;
      this.serial = await openSerialLines({
        path: s.serial.path!,
        baudRate: s.serial.baudRate,
        poll: s.serial.poll,
        silenceMs: s.serial.silenceMs,
        log: ctx.log,
        onError: (err) => ctx.fail(err),
        // Dropped, not buffered: said once per run (a counter that never ends its lines sends nothing else).
        onOverlong: () => {
          ctx.read?.();
          ctx.reject?.("unreadable_line");
          if (++overlong === 1)
            ctx.log.warn(
              { maxBytes: MAX_LINE_BYTES, overlong },
              `the counter sent more than ${MAX_LINE_BYTES} bytes without a line ending: dropped, to its next line ending, and not counted (said once per run). Check serial.baudRate (a wrong one garbles the line endings) and that the counter ends its lines with \\n (a \\r alone is no line ending here)`,
            );
        },
        onLine: (line) => {
          const r = protocol.read(line);
          if (line.trim() !== "") ctx.read?.();
          if (r.kind === "unknown" && line.trim() !== "") ctx.reject?.("unreadable_line");
          // Counted and said (the first five, then every thousandth): a counter whose lines the
          // patterns do not fit (another format, a wrong baud rate garbling them) counts nothing.
          if (r.kind === "unknown" && line.trim() !== "" && (++unknown <= 5 || unknown % 1000 === 0))
            ctx.log.warn(
              { line: printable(line.slice(0, 80)), unknown },
              "a line from the counter matches none of serial.patterns (in, out, totals, beam) and is not counted: check the patterns against what the counter sends, and serial.baudRate (garbled lines mean a wrong one)",
            );
          this.take(r);
        },
      });
    } else {
      this.http = await startPushEndpoint({
        ...s.http,
        secret: s.http.secret!,
        log: ctx.log,
        // Every push that reaches the endpoint's path is input read; refused ones are counted both ways.
        onRefused: () => {
          ctx.read?.();
          ctx.reject?.("refused_push");
        },
        // Totals are each sensor's own: a push's records (or sensors posting apart) are compared one by one with their sensor's last totals.
        onCounts: (c) => {
          ctx.read?.();
          if (s.http.mapping.mode !== "total") return this.take({ kind: "crossings", in: c.in, out: c.out });
          const records = c.each.map((r, i) => ({ sensor: r.sensor ?? `${c.from}#${i}`, in: r.in, out: r.out }));
          // A tally file from an agent that summed a push's records (before per-sensor baselines):
          // this push is compared with that sum once, then each sensor has its own baseline.
          if (hasSummedPushTotals(this.tally)) return this.takeFirstPushOverSummedTotals(records);
          return records.reduce<string | null>((refused, r) => this.takeSensorTotals(r.sensor, r.in, r.out) ?? refused, null);
        },
      });
    }
    this.timers.push(setInterval(() => this.report(), s.reportEverySeconds * 1000));
  }

  private startDecoder(ctx: SourceContext<DoorSettings>): void {
    const decoder = new BeamDecoder({ debounceMs: ctx.settings.beams.debounceMs });
    this.decoder = decoder;
    this.timers.push(setInterval(() => this.crossings(decoder.advance(ctx.now())), Math.max(10, ctx.settings.beams.debounceMs)));
  }

  /** Take one reading; returns why it was refused (said to the log, and to a pushing sensor as a 400), or null. */
  private take(r: LineReading): string | null {
    const ctx = this.ctx;
    if (!ctx) return null;
    switch (r.kind) {
      case "crossings": {
        const before = this.tally;
        this.update(addCrossings(before, r.in, r.out));
        if (this.tally.refused === before.refused) return null;
        return this.refused(
          `a reading of ${r.in} in and ${r.out} out would make more than ${MAX_CROSSINGS.toLocaleString("en-GB")} of a direction in one report (a count event's limit; ${before.pendingIn} in and ${before.pendingOut} out wait): refused, the other crossings are kept. A door never counts that many: check what the counter sends against ${ctx.settings.input === "serial" ? "serial.patterns (the n group is how many crossed)" : "http.mapping"}`,
        );
      }
      case "totals": {
        const before = this.tally;
        this.update(addTotals(before, r.in, r.out));
        if (this.tally.resets > before.resets) ctx.log.warn({ resets: this.tally.resets }, "the device's total went down: it restarted; its new total counts as new crossings");
        if (this.tally.refused === before.refused) return null;
        return this.refused(
          `the device's totals went from ${before.totalIn ?? "none"} in, ${before.totalOut ?? "none"} out to ${r.in ?? "-"} in, ${r.out ?? "-"} out: more than ${MAX_CROSSINGS.toLocaleString("en-GB")} crossings at once (a count event's limit), taken for a garbled reading or a new device: the direction that passes it is not counted, and its next total is its new baseline`,
        );
      }
      case "beam": {
        if (!this.decoder) return null;
        const swap = ctx.settings.beams.swap;
        const beam: Beam = swap ? (r.beam === "A" ? "B" : "A") : r.beam;
        this.crossings(this.decoder.push({ beam, blocked: r.blocked, ts: ctx.now() }));
        break;
      }
      case "unknown":
        break;
    }
    return null;
  }

  /** One pushing sensor's cumulative totals, against its own baseline; returns why they were refused, or null. */
  private takeSensorTotals(sensor: string, totalIn: number, totalOut: number): string | null {
    const before = this.tally;
    this.update(addSensorTotals(before, sensor, totalIn, totalOut));
    if (this.tally.resets > before.resets) this.ctx?.log.warn({ sensor, resets: this.tally.resets }, "a sensor's total went down: it restarted; its new total counts as new crossings");
    if (this.tally.refused === before.refused) return null;
    const last = before.sensors.find((x) => x.sensor === sensor);
    return this.refused(
      `sensor ${sensor}'s totals went from ${last?.in ?? "none"} in, ${last?.out ?? "none"} out to ${totalIn} in, ${totalOut} out: more than ${MAX_CROSSINGS.toLocaleString("en-GB")} crossings at once (a count event's limit), taken for a garbled reading or a new device: the direction that passes it is not counted, and its next total is its new baseline`,
    );
  }

  /** The first push after an agent that summed pushed totals (see {@link addFirstPushOverSummedTotals}); returns why it was refused, or null. */
  private takeFirstPushOverSummedTotals(records: Array<{ sensor: string; in: number; out: number }>): string | null {
    const before = this.tally;
    this.update(addFirstPushOverSummedTotals(before, records));
    this.ctx?.log.info({ sensors: records.length, totalIn: before.totalIn, totalOut: before.totalOut }, "pushed totals: the tally kept the sum of a push's sensors; this push is compared with it once, then each sensor with its own last totals");
    if (this.tally.resets > before.resets) this.ctx?.log.warn({ resets: this.tally.resets }, "the pushed totals went down: a sensor restarted; its new total counts as new crossings");
    if (this.tally.refused === before.refused) return null;
    const sumIn = records.reduce((n, r) => n + r.in, 0);
    const sumOut = records.reduce((n, r) => n + r.out, 0);
    return this.refused(
      `the pushed totals went from ${before.totalIn ?? "none"} in, ${before.totalOut ?? "none"} out (the sum the tally kept) to ${sumIn} in, ${sumOut} out: more than ${MAX_CROSSINGS.toLocaleString("en-GB")} crossings at once (a count event's limit), taken for a garbled reading or a new device: the direction that passes it is not counted, and each sensor's next total is compared with this one`,
    );
  }

  /** Say a refused reading (the first ten, then every hundredth) and return the reason. */
  private refused(reason: string): string {
    const n = this.tally.refused;
    this.ctx?.reject?.("over_limit");
    if (n <= 10 || n % 100 === 0) this.ctx?.log.warn({ refused: n }, reason);
    return reason;
  }

  private crossings(cs: readonly Crossing[]): void {
    if (cs.length === 0) return;
    const nIn = cs.filter((c) => c.direction === "in").length;
    this.update(addCrossings(this.tally, nIn, cs.length - nIn));
  }

  private update(next: DoorTally): void {
    this.tally = next;
    this.persist();
  }

  /** Failed writes of the tally in a row: said at the first and every thousandth (it is written at every crossing), and when it writes again. */
  private writeFailures = 0;

  private persist(): void {
    if (!this.state) return;
    try {
      this.state.write(this.tally);
      if (this.writeFailures > 0) this.ctx?.log.info({ file: this.state.path, failedWrites: this.writeFailures }, "the door tally is written again");
      this.writeFailures = 0;
    } catch (err) {
      if (++this.writeFailures === 1 || this.writeFailures % 1000 === 0)
        this.ctx?.log.error(
          { file: this.state.path, failedWrites: this.writeFailures, error: errorMessage(err) },
          "cannot write the door tally: counting goes on, but crossings not yet reported are lost if the agent restarts. Free space on the disk or let the agent write the file (settings.stateFile, or its dataDir)",
        );
    }
  }

  /** Publish what was counted since the previous report. */
  report(): void {
    const ctx = this.ctx;
    if (!ctx || ctx.signal.aborted) return;
    const { report, tally } = takeReport(this.tally);
    if (report.in === 0 && report.out === 0 && !ctx.settings.reportZero) return;
    // The tally without these crossings is on disk before the event exists: never twice.
    this.update(tally);
    ctx.emit({ type: "count", ts: ctx.now(), zone: ctx.settings.zone, in: report.in, out: report.out });
  }

  async stop(): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    await this.serial?.close();
    await this.http?.close();
    this.serial = null;
    this.http = null;
    this.decoder = null;
    if (this.ctx) this.persist();
    this.ctx = null;
  }
}
