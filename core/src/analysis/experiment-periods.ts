/**
 * Where an experiment's periods stand at an instant: what its result cannot show yet.
 */

/** A period [from, to) in epoch ms. */
export interface ExperimentPeriod {
  from: number;
  to: number;
}

/**
 * Where an experiment stands at `now`, in the order its stages come: planned (the before period has
 * not started), before (it runs), between (it is over, the after period has not started), after (it
 * runs; `passedPercent` of it has passed, rounded down), over. A period has started once `now` is
 * past its `from`, and is over from its `to` on.
 */
export type ExperimentStage =
  | { stage: "planned" }
  | { stage: "before" }
  | { stage: "between" }
  | { stage: "after"; passedPercent: number }
  | { stage: "over" };

export function experimentStage(e: { before: ExperimentPeriod; after: ExperimentPeriod }, now: number): ExperimentStage {
  if (e.before.from >= now) return { stage: "planned" };
  if (e.before.to > now) return { stage: "before" };
  if (e.after.from >= now) return { stage: "between" };
  if (e.after.to > now) return { stage: "after", passedPercent: Math.floor((100 * (now - e.after.from)) / (e.after.to - e.after.from)) };
  return { stage: "over" };
}

/**
 * What the result cannot show yet at `now`: a period that has not started (its figures read as
 * "no trips") or is not over (the figures so far, which will change as data arrives); an empty
 * list once the after period is over. The before period ends by the change and the after period
 * starts at it or later, so at most one message applies; the server puts it first in the result's
 * warnings.
 */
export function unfinishedPeriods(e: { before: ExperimentPeriod; after: ExperimentPeriod }, now: number): string[] {
  const s = experimentStage(e, now);
  switch (s.stage) {
    case "planned":
      return ["neither period has started yet: the change is still to come, so there is nothing to compare; come back once the after period is over"];
    case "before":
      return ["the before period is not over yet and the after period has not started: there is nothing to compare yet"];
    case "between":
      return ["the after period has not started yet: there is nothing to compare until it has; come back once it is over"];
    case "after":
      return [`the after period is not over yet (${s.passedPercent} % of it has passed): these are the figures so far, and they will change as data arrives`];
    case "over":
      return [];
  }
}

/**
 * Whether an experiment's verdicts are provisional at `now`: while its after period runs (stage "after") they rest on
 * the figures so far and may still change, so no screen or export may show them as final (the result's `provisional`,
 * its CSV's column, the page's greyed "Increase so far"). Before the after period starts there is nothing to compare,
 * and from its end on the verdicts are final.
 */
export function verdictsProvisional(e: { before: ExperimentPeriod; after: ExperimentPeriod }, now: number): boolean {
  return experimentStage(e, now).stage === "after";
}
