/**
 * The storage contract of migration 23 (trained forecast models, one per store and zone): called
 * by ./contract.ts for every adapter.
 */
import { expect } from "vitest";
import type { StoredForecastModel } from "../routes/forecast-store.js";
import type { Storage } from "./types.js";

const T0 = Date.UTC(2026, 10, 16, 9, 20);
const model = (more: Partial<StoredForecastModel> = {}): StoredForecastModel => ({
  store: "shop",
  zone: null,
  timeZone: "Europe/Paris",
  trainedAt: T0,
  cut: T0 - 7 * 3_600_000,
  historyWeeks: 57,
  dataVersion: "0123456789abcdef",
  format: 1,
  body: JSON.stringify({ hourly: { members: [{ w1: [0.125, -3.5e-7] }] }, daily: null }),
  savedAt: T0 + 5,
  ...more,
});

export function forecastModelsContract(test: (title: string, fn: (s: Storage) => Promise<void>) => void): void {
  test("keeps one model per store and zone, the store's own under zone null, as written", async (s) => {
    expect(await s.forecastModels.get("shop", null)).toBeNull();
    await s.forecastModels.put(model());
    await s.forecastModels.put(model({ zone: "fruit", body: "{}" }));
    await s.forecastModels.put(model({ store: "other", timeZone: "America/New_York" }));
    expect(await s.forecastModels.get("shop", null)).toEqual(model());
    expect((await s.forecastModels.get("shop", "fruit"))?.body).toBe("{}");
    expect((await s.forecastModels.get("other", null))?.timeZone).toBe("America/New_York");
    expect(await s.forecastModels.get("shop", "bakery")).toBeNull();
  });
  test("a model trained later replaces the kept one; one trained earlier (another server, late) does not", async (s) => {
    await s.forecastModels.put(model());
    const next = model({ trainedAt: T0 + 86_400_000, cut: T0 + 86_400_000 - 7 * 3_600_000, dataVersion: "fedcba9876543210", body: "{\"next\":true}" });
    await s.forecastModels.put(next);
    expect(await s.forecastModels.get("shop", null)).toEqual(next);
    await s.forecastModels.put(model({ body: "{\"late\":true}" }));
    expect(await s.forecastModels.get("shop", null)).toEqual(next);
  });
}
