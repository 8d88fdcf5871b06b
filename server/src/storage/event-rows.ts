import type { FootfallEvent, VisitorId, ZoneId } from "@footfall/core";

/** How both adapters store an event's type: a small integer column. */
export const TYPE_CODE = { enter: 0, exit: 1, count: 2, position: 3 } as const;
const TYPE_NAME = ["enter", "exit", "count", "position"] as const;

/** An events row as both adapters read it back (snake_case columns). */
export interface EventRow {
  id: string;
  ts: number;
  type: number;
  zone: string | null;
  visitor: string | null;
  n_in: number | null;
  n_out: number | null;
  x: number | null;
  y: number | null;
}

/** The event an events row holds. */
export function eventFromRow(r: EventRow): FootfallEvent {
  const type = TYPE_NAME[r.type]!;
  switch (type) {
    case "enter":
    case "exit":
      return { type, id: r.id, ts: r.ts, zone: r.zone as ZoneId, visitor: r.visitor as VisitorId };
    case "count":
      return { type, id: r.id, ts: r.ts, zone: r.zone as ZoneId, in: r.n_in ?? 0, out: r.n_out ?? 0 };
    case "position":
      return { type, id: r.id, ts: r.ts, visitor: r.visitor as VisitorId, x: r.x ?? 0, y: r.y ?? 0 };
  }
}
