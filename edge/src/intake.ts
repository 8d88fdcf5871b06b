import { LIMITS, parseEvent, type FootfallEvent } from "@footfall/core";
import type { EventIds } from "./ids.js";
import type { Logger } from "./log.js";
import type { EventDraft } from "./source.js";

/** Counters of an {@link EventIntake}. */
export interface IntakeStats {
  /** Events that passed validation and went to the sink. */
  accepted: number;
  /** Events the source got wrong (a bug in the source): logged, counted, never sent. */
  rejected: number;
  /** The largest `ts` accepted, or null. */
  lastEventTs: number | null;
}

/**
 * The door between a source and the wire: gives each draft its id, validates it with core's
 * `parseEvent` and refuses timestamps further in the future than the server accepts.
 * Bad events are counted and logged (the first ten, then every thousandth), never passed on.
 */
export class EventIntake {
  private readonly counters: IntakeStats = { accepted: 0, rejected: 0, lastEventTs: null };

  constructor(
    private readonly ids: EventIds,
    private readonly sink: (event: FootfallEvent) => void,
    private readonly log: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  /** Validate one draft and pass it on; returns the event, or null when it was rejected. */
  accept(draft: EventDraft): FootfallEvent | null {
    const id = this.ids.next();
    const parsed = parseEvent({ id, ...draft });
    let reason: string | null = parsed.ok ? null : parsed.error;
    if (parsed.ok && parsed.value.ts > this.now() + LIMITS.maxFutureMs) reason = `/ts: ${parsed.value.ts} is more than ${LIMITS.maxFutureMs / 60_000} minutes in the future`;
    if (!parsed.ok || reason !== null) {
      this.counters.rejected++;
      if (this.counters.rejected <= 10 || this.counters.rejected % 1000 === 0) {
        this.log.error({ id, rejected: this.counters.rejected }, `source emitted an invalid event, not sent (a bug in the source or its clock): ${reason}`);
      }
      return null;
    }
    const event = parsed.value;
    this.counters.accepted++;
    if (this.counters.lastEventTs === null || event.ts > this.counters.lastEventTs) this.counters.lastEventTs = event.ts;
    this.sink(event);
    return event;
  }

  /** A copy of the counters. */
  stats(): IntakeStats {
    return { ...this.counters };
  }
}
