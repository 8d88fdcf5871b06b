import { useEffect, useState } from "react";
import type { ForecastReport } from "../api/types.js";
import { useNow } from "../hooks/useNow.js";
import { busyOutlook } from "../model/forecast.js";
import { useSession } from "../session.js";

/**
 * One line for the live tablet: the busy stretch the store's forecast expects in the next 24
 * hours ("Busy from 16:00 to 19:00 · about 120 visitors an hour around 17:00"), refreshed every
 * 10 minutes. Nothing when the hours ahead are quiet, nothing is known, or the forecast cannot
 * be read (the live figures matter more than this line).
 */
export function BusyOutlookLine({ store, timeZone }: { store: string; timeZone: string }) {
  const { api } = useSession();
  const [forecast, setForecast] = useState<ForecastReport | null>(null);
  const now = useNow(60_000);
  useEffect(() => {
    const ctrl = new AbortController();
    const load = () =>
      api.forecast(store, { horizon: "24h" }, ctrl.signal).then(setForecast, () => {
        if (!ctrl.signal.aborted) setForecast(null);
      });
    void load();
    const t = setInterval(() => void load(), 10 * 60_000);
    return () => {
      ctrl.abort();
      clearInterval(t);
    };
  }, [api, store]);
  const outlook = forecast ? busyOutlook(forecast, now, timeZone) : null;
  if (!forecast || !outlook) return null;
  const how = forecast.method === "mlp" ? "forecast from this store's history" : "forecast: the same hours of the last 4 weeks (the model is not ready)";
  return (
    <div className="small live-outlook" data-testid="live-outlook" data-method={forecast.method} title={how}>
      {outlook.text}
    </div>
  );
}
