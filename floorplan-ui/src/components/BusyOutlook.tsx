import { Fragment, useEffect, useState } from "react";
import type { ForecastReport, OccupancyForecastReport } from "../api/types.js";
import { useNow } from "../hooks/useNow.js";
import { alertsApi } from "../api/alerts.js";
import { busyOutlook, forecastSource, occupancyOutlook, openingOutlook, outlookOrder } from "../model/forecast.js";
import { useSession } from "../session.js";

const HOUR = 3_600_000;

/**
 * The live tablet's next hours: the busy stretch the store's forecast expects in the next 24
 * hours ("Busy from 16:00 to 19:00 · about 120 visitors an hour around 17:00"), the closing or
 * opening ahead from the store's opening hours, to their minute ("Closes at 21:30", "Closed now ·
 * opens at 08:00"), and the people expected inside ("Expected over capacity at 17:00 (about 22 for 18)"),
 * refreshed every 10 minutes. Nothing when the hours ahead are quiet, nothing is known, or the
 * forecast cannot be read (the live figures matter more than these lines).
 */
export function BusyOutlookLine({ store, timeZone }: { store: string; timeZone: string }) {
  const { api } = useSession();
  const [forecast, setForecast] = useState<ForecastReport | null>(null);
  const [occupancy, setOccupancy] = useState<OccupancyForecastReport | null>(null);
  const [open, setOpen] = useState<{ from: number; to: number }[] | null>(null);
  const now = useNow(60_000);
  useEffect(() => {
    const ctrl = new AbortController();
    const load = () => {
      api.forecast(store, { horizon: "24h" }, ctrl.signal).then(setForecast, () => {
        if (!ctrl.signal.aborted) setForecast(null);
      });
      api.forecastOccupancy(store, {}, ctrl.signal).then(setOccupancy, () => {
        if (!ctrl.signal.aborted) setOccupancy(null);
      });
      // The opening hours' intervals from this hour to two days on: the closing or opening ahead, to the minute.
      const hour = Math.floor(Date.now() / HOUR) * HOUR;
      alertsApi(api.token)
        .openIntervals(store, hour, hour + 49 * HOUR)
        .then(
          (o) => !ctrl.signal.aborted && setOpen(o),
          () => !ctrl.signal.aborted && setOpen(null),
        );
    };
    load();
    const t = setInterval(load, 10 * 60_000);
    return () => {
      ctrl.abort();
      clearInterval(t);
    };
  }, [api, store]);
  const outlook = forecast ? busyOutlook(forecast, now, timeZone) : null;
  const closed = openingOutlook(open, now, timeZone);
  // Read up to the end of the busy stretch above it at least: the peak it names is never before that stretch.
  const people = occupancy ? occupancyOutlook(occupancy, now, timeZone, 6, outlook?.to) : null;
  if (!outlook && !closed && !people) return null;
  const how = forecast ? forecastSource(forecast.method) : undefined;
  return (
    <>
      {(outlook || closed) && (
        <div className="small live-outlook" data-testid="live-outlook" data-method={forecast?.method} title={how}>
          {outlookOrder(outlook, closed).map((p, i) => (
            <Fragment key={p.kind}>
              {i > 0 ? " · " : ""}
              {p.kind === "busy" ? (
                p.part.text
              ) : (
                <span data-testid="live-outlook-closed" data-closed-now={p.part.closedNow} title="From the store's opening hours">
                  {p.part.text}
                </span>
              )}
            </Fragment>
          ))}
        </div>
      )}
      {people && occupancy && (
        <div
          className={`small live-outlook${people.over ? " live-outlook-over" : ""}`}
          data-testid="live-occupancy-outlook"
          data-over={people.over}
          title={`people inside: forecast arrivals and the dwell time (${occupancy.dwell.source})`}
        >
          {people.text}
        </div>
      )}
    </>
  );
}
