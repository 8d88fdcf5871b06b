/**
 * Alerts on figures nobody counts now (core's notCountedSince, through the occupancy's zone
 * tracking): the evaluator holds such a rule (core alertStep: no new alert, the open one neither
 * resolved nor made worse), and the alerts the API and the live push show carry `notCountedSince`, so
 * the Alerts view and the tablet say "not counted now since 16:52" beside a figure that is frozen.
 */
import { Type, type Static } from "@sinclair/typebox";
import { AlertSchema, readsCounted, ruleNotCountedSince, type Alert, type AlertFigures } from "@footfall/core";
import { notCountedFigures, zonesNotCountedNow } from "../analytics/zone-tracking.js";
import type { Services } from "../services.js";

/** An alert as the API and the live push show it. */
export const ShownAlertSchema = Type.Composite([
  AlertSchema,
  Type.Object({
    notCountedSince: Type.Optional(
      Type.Integer({
        description:
          "epoch ms; an active occupancy or queue alert whose zone (for the store's: a zone its total holds) nobody counts now, since when: its figures are frozen, and it is held (neither resolved nor made worse) until counted again",
      }),
    ),
  }),
]);
export type ShownAlert = Static<typeof ShownAlertSchema>;

/** The store's figures nobody counts now, as alert rules read them (`zones`: the layout's zone ids). */
export async function notCountedNow(
  services: Pick<Services, "analytics" | "storage" | "counting" | "hours">,
  store: string,
  zones: readonly string[],
  now: number,
  timeZone: string,
): Promise<NonNullable<AlertFigures["notCounted"]>> {
  const [analytics, notCounted] = await Promise.all([services.analytics.get(store), zonesNotCountedNow(services, store, zones, now, timeZone)]);
  return notCountedFigures(analytics.liveSource(), notCounted);
}

/** `alerts` with `notCountedSince` on each active one whose figure nobody counts now (others as they are). */
export async function withNotCounted(services: Pick<Services, "analytics" | "storage" | "counting" | "hours" | "layouts" | "now">, store: string, alerts: readonly Alert[]): Promise<ShownAlert[]> {
  if (!alerts.some((a) => a.state !== "resolved" && readsCounted(a.kind))) return [...alerts];
  const now = services.now();
  await services.layouts.load(store);
  const layout = services.layouts.current(store, now);
  if (!layout) return [...alerts];
  const figures: AlertFigures = { notCounted: await notCountedNow(services, store, layout.zones.map((z) => z.id), now, layout.timezone) };
  return alerts.map((a) => {
    if (a.state === "resolved") return a;
    const since = ruleNotCountedSince(a, figures);
    return since === null ? a : { ...a, notCountedSince: since };
  });
}
