/**
 * The clock and range the overview's in-process tests (server/src/routes/overview-*.test.ts) ask
 * on: the last 7 whole UTC days, asked on a Wednesday afternoon.
 */
export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;
/** Wednesday 2 Dec 2026, 15:30 UTC. */
export const NOW = Date.UTC(2026, 11, 2, 15, 30);
/** The start of NOW's UTC day: the range's end. */
export const TODAY = Date.UTC(2026, 11, 2);
/** The last 7 whole UTC days: [FROM, TO); the previous period is the 7 days before, last year's 364 days before. */
export const TO = TODAY;
export const FROM = TO - 7 * DAY;
