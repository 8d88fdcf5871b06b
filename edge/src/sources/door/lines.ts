import type { Beam } from "./beams.js";

/** What one line from a serial counter says. */
export type LineReading =
  | { kind: "crossings"; in: number; out: number }
  | { kind: "totals"; in?: number; out?: number }
  | { kind: "beam"; beam: Beam; blocked: boolean }
  | { kind: "unknown" };

export interface LinePatterns {
  in: string;
  out: string;
  totals?: string | undefined;
  beam?: string | undefined;
}

/** Compiled line patterns; `read` is pure. */
export class LineProtocol {
  private readonly inRe: RegExp;
  private readonly outRe: RegExp;
  private readonly totalsRe: RegExp | null;
  private readonly beamRe: RegExp | null;
  private readonly blocked: Set<string>;

  constructor(patterns: LinePatterns, blockedStates: readonly string[] = ["1"]) {
    this.inRe = new RegExp(patterns.in);
    this.outRe = new RegExp(patterns.out);
    this.totalsRe = patterns.totals ? new RegExp(patterns.totals) : null;
    this.beamRe = patterns.beam ? new RegExp(patterns.beam) : null;
    this.blocked = new Set(blockedStates);
  }

  /** Read one line (without its line ending; surrounding blanks are ignored). */
  read(rawLine: string): LineReading {
    const line = rawLine.trim();
    if (line === "") return { kind: "unknown" };
    const count = (m: RegExpExecArray): number => {
      const n = m.groups?.n;
      if (n === undefined) return 1;
      const v = Number(n);
      return Number.isInteger(v) && v >= 0 ? v : 0;
    };
    if (this.totalsRe) {
      const m = this.totalsRe.exec(line);
      if (m) {
        const num = (s: string | undefined): number | undefined => (s === undefined || !/^\d+$/.test(s) ? undefined : Number(s));
        const r: LineReading = { kind: "totals" };
        const i = num(m.groups?.in);
        const o = num(m.groups?.out);
        if (i !== undefined) r.in = i;
        if (o !== undefined) r.out = o;
        return r;
      }
    }
    if (this.beamRe) {
      const m = this.beamRe.exec(line);
      const beam = m?.groups?.beam?.toUpperCase();
      if (m && (beam === "A" || beam === "B")) return { kind: "beam", beam, blocked: this.blocked.has(m.groups?.state ?? "") };
    }
    const i = this.inRe.exec(line);
    if (i) return { kind: "crossings", in: count(i), out: 0 };
    const o = this.outRe.exec(line);
    if (o) return { kind: "crossings", in: 0, out: count(o) };
    return { kind: "unknown" };
  }
}
