const SEQ_DIGITS = 9;
const SEQ_LIMIT = 10 ** SEQ_DIGITS;

/** A boot id: the start time in base36 (8 characters until 2059), so later boots sort after earlier ones. */
export function bootIdAt(ms: number): string {
  return Math.max(0, Math.floor(ms)).toString(36).padStart(8, "0");
}

/**
 * Event ids `${agent}:${bootId}:${seq}` with `seq` zero-padded to 9 digits: unique across restarts
 * (the boot id changes) and sorting in emission order, which keeps the server's dedupe key ordered.
 * After 10^9 events the generator takes a new boot id rather than widening `seq`, so order holds.
 */
export class EventIds {
  private seq: number;
  private boot: string;

  /** @param firstSeq the first sequence number (tests start near the limit). */
  constructor(
    private readonly agent: string,
    private readonly now: () => number = Date.now,
    firstSeq = 0,
  ) {
    this.boot = bootIdAt(now());
    this.seq = firstSeq;
  }

  /** The current boot id. */
  get bootId(): string {
    return this.boot;
  }

  /** The next id. */
  next(): string {
    if (this.seq >= SEQ_LIMIT) {
      const fresh = bootIdAt(this.now());
      this.boot = fresh > this.boot ? fresh : bootIdAt(parseInt(this.boot, 36) + 1);
      this.seq = 0;
    }
    return `${this.agent}:${this.boot}:${String(this.seq++).padStart(SEQ_DIGITS, "0")}`;
  }
}
