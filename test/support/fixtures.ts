import type { CountEvent, EnterEvent, ExitEvent, FootfallEvent, LayoutInput, PositionEvent, VisitorId, Zone, ZoneId, ZoneKind } from "@footfall/core";
import { mulberry32, WEEKDAYS, type OpeningHours } from "@footfall/core";

/** A rectangular zone (metres). */
export function rectZone(id: string, kind: ZoneKind, x: number, y: number, w: number, h: number, capacity?: number): Zone {
  return {
    id: id as ZoneId,
    name: id,
    kind,
    polygon: [
      [x, y],
      [x + w, y],
      [x + w, y + h],
      [x, y + h],
    ],
    ...(capacity !== undefined ? { capacity } : {}),
  };
}

/**
 * A small store, 20 x 10 m: an entrance, two shop zones and a checkout, with capacities.
 * `validFrom` defaults to 0 so that events of any age fall under it.
 */
export function smallLayout(opts: { validFrom?: number; timezone?: string; name?: string } = {}): LayoutInput {
  return {
    name: opts.name ?? "Test store",
    validFrom: opts.validFrom ?? 0,
    timezone: opts.timezone ?? "Europe/Paris",
    floor: { width: 20, height: 10 },
    zones: [
      rectZone("entrance", "entrance", 0, 0, 4, 10, 10),
      rectZone("fruit", "zone", 4, 0, 6, 5, 5),
      rectZone("bakery", "zone", 4, 5, 6, 5),
      rectZone("checkout", "checkout", 10, 0, 10, 10, 3),
    ],
  };
}

/**
 * Builds events with ids `${agent}:${seq}` (zero-padded so that they sort), as agents do; with a
 * `tag`, `${agent}:${tag}-${seq}`, so that several factories of one agent never share an id (an id
 * must begin with the publishing agent's id and a colon, DESIGN v1.1). Visitor ids are used as given.
 */
export class EventFactory {
  private seq = 0;
  constructor(
    readonly agent: string,
    readonly tag = "",
  ) {}

  nextId(): string {
    return `${this.agent}:${this.tag ? `${this.tag}-` : ""}${String(this.seq++).padStart(9, "0")}`;
  }
  enter(visitor: string, zone: string, ts: number): EnterEvent {
    return { type: "enter", id: this.nextId(), ts, zone: zone as ZoneId, visitor: visitor as VisitorId };
  }
  exit(visitor: string, zone: string, ts: number): ExitEvent {
    return { type: "exit", id: this.nextId(), ts, zone: zone as ZoneId, visitor: visitor as VisitorId };
  }
  count(zone: string, ts: number, nIn: number, nOut: number): CountEvent {
    return { type: "count", id: this.nextId(), ts, zone: zone as ZoneId, in: nIn, out: nOut };
  }
  position(visitor: string, x: number, y: number, ts: number): PositionEvent {
    return { type: "position", id: this.nextId(), ts, visitor: visitor as VisitorId, x, y };
  }
  /** A closed visit: enter at `ts`, exit `dwellMs` later. */
  visit(visitor: string, zone: string, ts: number, dwellMs: number): [EnterEvent, ExitEvent] {
    return [this.enter(visitor, zone, ts), this.exit(visitor, zone, ts + dwellMs)];
  }
}

/** The wire form of an event batch. */
export function batchJson(agent: string, events: readonly unknown[]): string {
  return JSON.stringify({ agent, events });
}

/** Splits `items` into chunks of `size`. */
export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** A deterministic pseudo-random generator (core's mulberry32), for shuffles a test can replay. */
export const prng = mulberry32;

/** A shuffled copy (Fisher-Yates with `random`). */
export function shuffled<T>(items: readonly T[], random: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

export type { FootfallEvent };

/** Paris local time (UTC+1) on a day of December 2026 (the 7th is a Monday): the clock of the night-grace tests. */
export const parisDec2026 = (day: number, hh: number, mm = 0, ss = 0): number => Date.UTC(2026, 11, day, hh - 1, mm, ss);

/** Open 08:00-21:00 every day, no exceptions. */
export const OPEN_08_TO_21: OpeningHours = {
  weekly: Object.fromEntries(WEEKDAYS.map((d) => [d, [{ open: "08:00", close: "21:00" }]])) as OpeningHours["weekly"],
  exceptions: [],
};
