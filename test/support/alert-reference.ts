/**
 * The naive reference the alert property tests (core/src/alerts/*.property.test.ts) hold the step
 * function to, for a rule without cool-down: walk the trace, note since when the rule's value has
 * been above the threshold; the alert fires once it has been for `forSeconds`, and resolves at the
 * first step it is not. Deliberately a plain loop, apart from core's state machine.
 */
export class HeldAboveReference {
  private heldSince: number | null = null;
  private firing = false;

  constructor(
    private readonly threshold: number,
    private readonly forSeconds: number,
  ) {}

  /** The notification types the step at `now` with the rule's `value` (null: no value) must give. */
  step(now: number, value: number | null): [] | ["alert.firing"] | ["alert.resolved"] {
    if (value === null || value <= this.threshold) {
      this.heldSince = null;
      const was = this.firing;
      this.firing = false;
      return was ? ["alert.resolved"] : [];
    }
    this.heldSince ??= now;
    if (this.firing || now - this.heldSince < this.forSeconds * 1000) return [];
    this.firing = true;
    return ["alert.firing"];
  }
}
