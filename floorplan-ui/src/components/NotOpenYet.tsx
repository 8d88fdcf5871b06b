import { alertsApi } from "../api/alerts.js";
import { useQ } from "../hooks/useQ.js";
import { notOpenYet } from "../model/hours.js";
import { useSession } from "../session.js";

/**
 * "Today" before the store opens (model/hours notOpenYet): what to say, or null for another range,
 * once the store has opened today, without opening hours, or while `none` is false (the range has
 * figures after all). Its opening hours from midnight to two days on say when it opens.
 */
export function useNotOpenYet(store: string, range: { from: number; to: number }, now: number, timeZone: string, none: boolean): ReturnType<typeof notOpenYet> {
  const { api } = useSession();
  const today = range.to === now;
  const open = useQ(["open-today", store, range.from], () => alertsApi(api.token).openIntervals(store, range.from, range.from + 48 * 3_600_000), { enabled: today });
  return today && none ? notOpenYet(open.data, range, now, timeZone) : null;
}

/** The note: that the store has not opened yet today and when (or is closed all day), and a way to yesterday. */
export function NotOpenYetNote({ closed, onYesterday }: { closed: ReturnType<typeof notOpenYet>; onYesterday: () => void }) {
  if (!closed) return null;
  return (
    <div className="alert info" data-testid="not-open-yet" role="status">
      {closed.text}{" "}
      <button type="button" className="btn" onClick={onYesterday} data-testid="see-yesterday">
        See yesterday
      </button>
    </div>
  );
}
