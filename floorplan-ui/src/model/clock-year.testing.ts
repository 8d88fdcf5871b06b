/**
 * For tests only: dates read on screen say their year when it is not the current one (format.ts
 * formatDateTime, on the server's clock). Tests whose fixtures are dated in 2026 and whose expected
 * words have no year pin the clock's date in that year, so they read the same whenever they run.
 */
import { afterEach, beforeEach, vi } from "vitest";

/** Within each test of the file, `Date` reads `now` (default 8 Dec 2026, 12:00 UTC); timers stay real. */
export function clockIn2026(now = Date.UTC(2026, 11, 8, 12)): void {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ["Date"], now });
  });
  afterEach(() => {
    vi.useRealTimers();
  });
}
