/**
 * Dual-beam direction decoding, pure: beam edges in, crossings out, no clock or I/O (the caller
 * passes every timestamp and says how far time has gone with `advance`).
 *
 * Two beams across a door, A on the street side and B on the shop side. An *episode* is a time
 * during which at least one beam is blocked. A person walking in blocks A, then B, then clears A,
 * then B: the episode starts by blocking A and ends by clearing B, which is an `in`. The mirror
 * image is an `out`. An episode that starts and ends on the same beam (someone who stepped into
 * the door and turned back, a hand waved through one beam) counts nothing.
 *
 * Debounce: an edge counts only once its beam stayed in the new state for `debounceMs`; an edge
 * undone sooner on the same beam is a glitch and both edges are dropped. Edges are therefore
 * confirmed with a delay of `debounceMs`, in the order they happened.
 */

export type Beam = "A" | "B";

/** One change of one beam: blocked (interrupted) or cleared, at `ts` (ms). */
export interface BeamEdge {
  beam: Beam;
  blocked: boolean;
  ts: number;
}

/** A person crossing the door. `ts` is when the last beam cleared. */
export interface Crossing {
  direction: "in" | "out";
  ts: number;
}

export interface BeamDecoderOptions {
  /** Minimum time a beam must stay blocked or clear for its edge to count (ms). */
  debounceMs: number;
}

/** Decodes a stream of beam edges (in the order they happened) into crossings. */
export class BeamDecoder {
  /** Raw edges not yet confirmed, oldest first. */
  private pending: BeamEdge[] = [];
  /** The last raw state of each beam (repeats are ignored). */
  private raw: Record<Beam, boolean> = { A: false, B: false };
  /** Confirmed state of each beam. */
  private blocked: Record<Beam, boolean> = { A: false, B: false };
  /** The beam that started the current episode. */
  private first: Beam | null = null;
  private lastTs = -Infinity;

  constructor(private readonly opts: BeamDecoderOptions) {}

  /** Add one raw edge; returns the crossings it lets through (edges up to `edge.ts - debounceMs` are confirmed). */
  push(edge: BeamEdge): Crossing[] {
    const ts = Math.max(edge.ts, this.lastTs); // a clock that steps back cannot reorder edges
    this.lastTs = ts;
    if (this.raw[edge.beam] === edge.blocked) return this.advance(ts);
    this.raw[edge.beam] = edge.blocked;
    this.pending.push({ beam: edge.beam, blocked: edge.blocked, ts });
    return this.advance(ts);
  }

  /** Time has reached `now` with no new edge: confirm the edges that stayed long enough. */
  advance(now: number): Crossing[] {
    const out: Crossing[] = [];
    const d = this.opts.debounceMs;
    while (this.pending.length > 0) {
      const e = this.pending[0]!;
      const j = this.pending.findIndex((p, i) => i > 0 && p.beam === e.beam);
      if (j > 0 && this.pending[j]!.ts - e.ts < d) {
        // A glitch: the beam went back within the debounce time. Drop both edges.
        this.pending.splice(j, 1);
        this.pending.shift();
        continue;
      }
      if (j > 0 || now - e.ts >= d) {
        this.pending.shift();
        const c = this.apply(e);
        if (c) out.push(c);
        continue;
      }
      break;
    }
    return out;
  }

  /** Whether a beam is (confirmed) blocked: a stuck beam shows here. */
  isBlocked(beam: Beam): boolean {
    return this.blocked[beam];
  }

  private apply(e: BeamEdge): Crossing | null {
    if (this.blocked[e.beam] === e.blocked) return null;
    const wasIdle = !this.blocked.A && !this.blocked.B;
    this.blocked[e.beam] = e.blocked;
    if (e.blocked) {
      if (wasIdle) this.first = e.beam;
      return null;
    }
    if (this.blocked.A || this.blocked.B) return null;
    const first = this.first;
    this.first = null;
    if (first === "A" && e.beam === "B") return { direction: "in", ts: e.ts };
    if (first === "B" && e.beam === "A") return { direction: "out", ts: e.ts };
    return null;
  }
}
