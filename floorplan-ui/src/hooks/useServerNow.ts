import { useEffect, useState } from "react";
import { onServerOffset, serverNow } from "../model/server-clock.js";

/**
 * The server's time (model/server-clock.ts), refreshed every `everyMs`: for deciding what is past, in force or
 * scheduled, as the server will decide it, whatever the browser's clock says.
 */
export function useServerNow(everyMs = 1000): number {
  const [now, setNow] = useState(() => serverNow());
  useEffect(() => {
    const t = setInterval(() => setNow(serverNow()), everyMs);
    // An answer that moved the offset (the first one, for a browser whose clock is off) counts at once.
    const off = onServerOffset(() => setNow(serverNow()));
    return () => {
      clearInterval(t);
      off();
    };
  }, [everyMs]);
  return now;
}
