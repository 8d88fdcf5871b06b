/**
 * The hours keeper's answer for a request (the chain overview's "Closed now · opens at …" and the
 * forecast's closed hours): a store's hours read from the real SQLite storage the first time they
 * are asked for, null for a store without hours, and the changed hours after `changed`.
 */
import { afterAll, describe, expect, it } from "vitest";
import { WEEKDAYS, type OpeningHours } from "@footfall/core";
import { tempDir } from "../../../test/support/wait.js";
import { createLogger } from "../log.js";
import { openSqliteStorage } from "../storage/sqlite.js";
import { HoursKeeper } from "./keeper.js";

const dir = tempDir("footfall-hours-keeper-");
const storage = openSqliteStorage(dir.path);
afterAll(async () => {
  await storage.close();
  dir.remove();
});

const week = (open: string, close: string): OpeningHours => ({
  weekly: Object.fromEntries(WEEKDAYS.map((d) => [d, [{ open, close }]])) as OpeningHours["weekly"],
  exceptions: [],
});

describe("HoursKeeper.hoursNow", () => {
  it("reads a store's hours on the first ask, says null without hours, and gives the new hours after a change", async () => {
    const keeper = new HoursKeeper({ storage, log: createLogger("silent"), now: () => Date.now() });
    await storage.hours.set("shop", week("08:00", "21:30"), Date.now());
    expect(await keeper.hoursNow("shop")).toEqual(week("08:00", "21:30"));
    expect(await keeper.hoursNow("no-hours")).toBeNull();
    await storage.hours.set("shop", week("09:00", "18:00"), Date.now());
    // Still the hours as read (refreshed every minute, or at once on a change made through this server):
    expect(await keeper.hoursNow("shop")).toEqual(week("08:00", "21:30"));
    await keeper.changed("shop");
    expect(await keeper.hoursNow("shop")).toEqual(week("09:00", "18:00"));
  });
});
