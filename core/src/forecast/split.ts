/**
 * Rolling-origin evaluation (Tashman 2000): held-out test weeks, each forecast from many origins
 * inside it by a model trained only on what came before the week.
 */
export interface Fold {
  /** The model of this fold is trained on buckets [0, trainEnd). */
  trainEnd: number;
  /** Forecast origins in the held-out week (each forecast covers [origin, origin + horizon)). */
  origins: number[];
}

export interface FoldOptions {
  /** Buckets in the series. */
  length: number;
  /** Held-out weeks. */
  testWeeks: number;
  /** Buckets per week (168 hourly, 7 daily). */
  period: number;
  /** Weeks from the start of one held-out week to the next (1 = consecutive weeks). */
  everyWeeks?: number;
  /** Buckets between two origins of a week. */
  originStep?: number;
  /** Buckets forecast from each origin. */
  horizon: number;
  /** Fewest training buckets a fold needs; earlier weeks are dropped. */
  minTrain?: number;
}

/**
 * Held-out weeks counted back from the end of the series (the last one ends where the last
 * forecast of its last origin ends), oldest first. Weeks never overlap, every origin lies in its
 * own week, and no forecast reaches past the series.
 */
export function rollingOriginFolds(o: FoldOptions): Fold[] {
  const every = Math.max(1, Math.floor(o.everyWeeks ?? 1));
  const step = Math.max(1, Math.floor(o.originStep ?? 1));
  const minTrain = o.minTrain ?? 0;
  const lastStart = o.length - o.horizon - o.period + 1; // last week's origins end at length - horizon
  const folds: Fold[] = [];
  for (let w = 0; w < o.testWeeks; w++) {
    const start = lastStart - w * every * o.period;
    if (start < Math.max(1, minTrain)) break;
    const origins: number[] = [];
    for (let t = start; t < start + o.period && t + o.horizon <= o.length; t += step) origins.push(t);
    folds.push({ trainEnd: start, origins });
  }
  return folds.reverse();
}
