/**
 * A hidden Markov model over a floor's zones, decoded online with a short fixed lag (pure: plain
 * data in, plain data out, no clock). The hidden state is the zone a beacon is in, or "away" (in
 * no zone: every receiver weak); it moves only to a zone adjacent on the floor (or to away and
 * back), at a cost, and otherwise stays. Each time step brings an emission: how well each state
 * explains the Kalman-smoothed strengths of that step (emission()).
 *
 * Why: with shadowing correlated over seconds, the neighbouring receiver is now and then the
 * strongest for several seconds in a row, and a rule on the latest reading (strongest zone, a
 * hysteresis, a minimum stay) flips. The decoder weighs all the evidence at once: a change is
 * taken when the evidence for it outweighs the cost of moving (and of moving back), and a change
 * to a zone one cannot walk to in one step is never taken.
 *
 * Decoding is online Viterbi with a fixed lag: the decoder keeps the Viterbi path scores at the
 * last reported step (all the evidence up to it) and the emissions of the `lag` steps after it.
 * When the window grows past `lag`, its oldest step is reported: the state there of the best path
 * to now, among the paths whose state there the last reported state may move to. So every
 * reported state is the one before it or a neighbour of it, and a decision waits `lag` steps for
 * the evidence after it.
 */

/** A decoding model over `zones` plus the away state (index `zones.length`). */
export interface ZoneModel {
  readonly zones: readonly string[];
  /** neighbours[i]: the states state i may move to in one step (not i itself). */
  readonly neighbours: readonly (readonly number[])[];
  /** Log-cost (nats) of a move; staying costs nothing. */
  readonly moveCost: number;
}

/** Which zones touch: a list of zone pairs (either order), or null for "every zone touches every other". */
export type Adjacency = readonly (readonly [string, string])[] | null;

/**
 * The model of a floor: zones may move to the zones adjacent to them and to away; away may move to
 * any zone (a beacon comes into range anywhere a receiver hears it first).
 */
export function zoneModel(zones: readonly string[], adjacency: Adjacency, moveCost: number): ZoneModel {
  const index = new Map(zones.map((z, i) => [z, i] as const));
  const away = zones.length;
  const sets = zones.map(() => new Set<number>([away]));
  if (adjacency === null) {
    for (let i = 0; i < zones.length; i++) for (let j = 0; j < zones.length; j++) if (i !== j) sets[i]!.add(j);
  } else {
    for (const [a, b] of adjacency) {
      const i = index.get(a),
        j = index.get(b);
      if (i === undefined || j === undefined || i === j) continue;
      sets[i]!.add(j);
      sets[j]!.add(i);
    }
  }
  const neighbours = [...sets.map((s) => [...s].sort((x, y) => x - y)), zones.map((_, i) => i)];
  return { zones: [...zones], neighbours, moveCost };
}

/** Whether the model lets state `a` become state `b` in one step. */
export function mayMove(model: ZoneModel, a: number, b: number): boolean {
  return a === b || model.neighbours[a]!.includes(b);
}

export interface EmissionParams {
  /** Below this smoothed RSSI (dBm) no zone explains a reading better than away does. */
  minRssi: number;
  /** dB of shortfall behind the strongest state that cost one nat. */
  scaleDb: number;
  /** The most one step may cost a state (nats): one bad step never rules a zone out. */
  maxCost: number;
}

/**
 * Log-likelihood of each state (zones, then away) for one step: 0 for the strongest, minus its
 * shortfall in dB / `scaleDb` for the others, capped at `maxCost`. A zone's strength is its
 * strongest fresh receiver; away stands at `minRssi`. With no fresh receiver the step says nothing
 * (all zeros).
 */
export function emission(model: ZoneModel, strengths: ReadonlyMap<string, number>, p: EmissionParams): Float64Array {
  const n = model.zones.length;
  const out = new Float64Array(n + 1);
  let best = p.minRssi;
  let any = false;
  for (const z of model.zones) {
    const s = strengths.get(z);
    if (s === undefined || !Number.isFinite(s)) continue;
    any = true;
    if (s > best) best = s;
  }
  if (!any) return out;
  for (let i = 0; i <= n; i++) {
    const s = i === n ? p.minRssi : strengths.get(model.zones[i]!);
    out[i] = s === undefined || !Number.isFinite(s) ? -p.maxCost : 0 - Math.min(p.maxCost, (best - s) / p.scaleDb);
  }
  return out;
}

/** One Viterbi step: the best score of a path ending in each state, from the scores of the step before (null: unknown start). */
export function forwardStep(
  model: ZoneModel,
  scores: Float64Array | null,
  e: Float64Array,
  onlyFrom: number | null = null,
): { scores: Float64Array; from: Int32Array } {
  const n = model.zones.length + 1;
  const next = new Float64Array(n).fill(-Infinity);
  const from = new Int32Array(n).fill(-1);
  for (let j = 0; j < n; j++) {
    if (onlyFrom !== null && !mayMove(model, onlyFrom, j)) continue;
    if (scores === null) {
      next[j] = e[j]!;
      continue;
    }
    // Staying first, so that a tie keeps the state; neighbours are symmetric (away reaches every zone and back).
    let best = scores[j]!;
    let arg = j;
    for (const i of model.neighbours[j]!) {
      const v = scores[i]! - model.moveCost;
      if (v > best) {
        best = v;
        arg = i;
      }
    }
    next[j] = best + e[j]!;
    from[j] = arg;
  }
  // Keep the numbers small: only differences matter.
  let top = -Infinity;
  for (const v of next) if (v > top) top = v;
  if (Number.isFinite(top)) for (let j = 0; j < n; j++) next[j] = next[j]! - top;
  return { scores: next, from };
}

/**
 * The most likely state sequence for `emissions`, given the path scores of the step before them
 * (`scores`, null when unknown: every state may begin) and, when `onlyFrom` is given, a first
 * state that state `onlyFrom` may move to. Ties go to staying, then to the lower state.
 */
export function viterbi(model: ZoneModel, scores: Float64Array | null, emissions: readonly Float64Array[], onlyFrom: number | null = null): number[] {
  if (emissions.length === 0) return [];
  const back: Int32Array[] = [];
  let cur = scores;
  for (const [k, e] of emissions.entries()) {
    const r = forwardStep(model, cur, e, k === 0 ? onlyFrom : null);
    cur = r.scores;
    back.push(r.from);
  }
  let end = 0;
  for (let j = 1; j < cur!.length; j++) if (cur![j]! > cur![end]!) end = j;
  const path = new Array<number>(emissions.length);
  path[emissions.length - 1] = end;
  for (let k = emissions.length - 1; k > 0; k--) path[k - 1] = back[k]![path[k]!]!;
  return path;
}

/**
 * The decoder of one beacon: the state committed for the last reported step, the Viterbi path
 * scores at that step (all the evidence so far, not only the window's), and the emissions of the
 * steps after it.
 */
export interface DecoderState {
  readonly committed: number | null;
  readonly scores: Float64Array | null;
  readonly window: readonly Float64Array[];
}

export const initDecoder = (): DecoderState => ({ committed: null, scores: null, window: [] });

/**
 * Take one step's emission; while the window is longer than `lag` steps, commit its oldest step:
 * the state there of the best path to now among those whose state there the last committed state
 * may move to. Returns the new state and the states committed, oldest first (usually none or one;
 * more when `lag` shrank).
 */
export function decodeStep(model: ZoneModel, state: DecoderState, e: Float64Array, lag: number): { state: DecoderState; committed: number[] } {
  let { committed, scores } = state;
  const window = [...state.window, e];
  const out: number[] = [];
  while (window.length > Math.max(0, lag)) {
    const c = viterbi(model, scores, window, committed)[0]!;
    scores = forwardStep(model, scores, window.shift()!).scores;
    committed = c;
    out.push(c);
  }
  return { state: { committed, scores, window }, committed: out };
}

/** Commit every step left in the window along the best path (the beacon is gone; no more evidence comes). */
export function flushDecoder(model: ZoneModel, state: DecoderState): number[] {
  return viterbi(model, state.scores, state.window, state.committed);
}
