/**
 * An instant in words in a store's time zone, as the UI names one, with the year (a past version may be from another one)
 * and the zone's short name: `Tue 3 Nov 2026 09:00 CET`. For answers a person reads (a 409 that names a time span).
 */
export function storeTimeWords(ms: number, timeZone: string): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat("en-GB", { timeZone, weekday: "short", day: "numeric", month: "short", year: "numeric", hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZoneName: "short" })
      .formatToParts(ms)
      .map((p) => [p.type, p.value]),
  );
  return `${parts.weekday} ${parts.day} ${parts.month} ${parts.year} ${parts.hour}:${parts.minute} ${parts.timeZoneName}`;
}
