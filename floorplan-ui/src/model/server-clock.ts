/**
 * The server's clock, as the browser can tell it: the `Date` header of each API answer (whole seconds)
 * bounds how far the browser's clock is from the server's. A tablet or laptop whose clock is hours off
 * would otherwise judge "past" and "future" (a layout's Valid from, scheduled hours, an experiment's
 * periods) on its own wrong time, while the server judges them on its own.
 *
 * An answer sent between `sentAt` and `receivedAt` (browser clock) and dated `date` (server clock,
 * floored to the second) says the offset (server − browser) lies in [date − receivedAt,
 * date + 1000 − sentAt]. The offset kept moves only when an answer contradicts it, so a browser in step
 * with the server keeps an offset of 0 and no jitter. It moves to the answer's lower bound: the server's
 * time as told is then never ahead of the server's own, so a save "from now" is never a version
 * scheduled a second ahead (at most the round trip and a second behind, as a save's own travel is).
 */

/** The offset (server − browser, ms) after an answer: `offset` kept while the answer allows it. */
export function nextOffset(offset: number, date: number, sentAt: number, receivedAt: number): number {
  if (!Number.isFinite(date) || !Number.isFinite(sentAt) || !Number.isFinite(receivedAt) || receivedAt < sentAt) return offset;
  const low = date - receivedAt;
  const high = date + 1000 - sentAt;
  if (offset >= low && offset <= high) return offset;
  return low;
}

let offsetMs = 0;
const listeners = new Set<() => void>();

/** Takes an API answer's `Date` header (if any) into the offset; tells the listeners when it moved. */
export function noteServerDate(dateHeader: string | null | undefined, sentAt: number, receivedAt: number): void {
  if (!dateHeader) return;
  const next = nextOffset(offsetMs, Date.parse(dateHeader), sentAt, receivedAt);
  if (next === offsetMs) return;
  offsetMs = next;
  for (const l of listeners) l();
}

/** Calls `listener` whenever the offset moves; returns the unsubscribe. */
export function onServerOffset(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** The time now on the server's clock, as far as the answers so far tell (the browser's before any). */
export function serverNow(): number {
  return Date.now() + offsetMs;
}

/** The offset now (server − browser, ms). */
export function serverOffset(): number {
  return offsetMs;
}
