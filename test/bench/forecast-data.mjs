/**
 * Readers of the public people-count series in ../shared/datasets/ (each folder's SOURCE.md gives
 * origin, licence and defects). They are read from there and never copied into the repository.
 * Every reader returns hourly series as `{ name, timeZone, points: [{ts, value}], special }`:
 * - Leeds, CalIt2, Brooklyn and Fremont come on a local wall clock with 24 hours every day (no
 *   DST information, or the spring-forward hour simply empty), so they are read as wall-clock
 *   hours in "UTC";
 * - Melbourne gives real instants with their offset, so it runs in Australia/Melbourne, DST and all.
 */
import { readFileSync, existsSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const DATASETS = path.resolve(fileURLToPath(new URL("../../../shared/datasets/", import.meta.url)));
const H = 3_600_000;

function file(...parts) {
  const p = path.join(DATASETS, ...parts);
  if (!existsSync(p)) throw new Error(`${p} is missing: the forecast benchmark reads the shared datasets (see ../shared/datasets/README.md)`);
  return p;
}

/** Split one CSV line, with double-quoted fields that may hold commas. */
function csvFields(line) {
  const out = [];
  let cur = "";
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cur += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") {
      out.push(cur);
      cur = "";
    } else cur += c;
  }
  out.push(cur);
  return out;
}

const MONTHS = { Jan: 0, Feb: 1, Mar: 2, Apr: 3, May: 4, Jun: 5, Jul: 6, Aug: 7, Sep: 8, Oct: 9, Nov: 10, Dec: 11 };

/**
 * Bank holidays in England and Wales 2009-2016 (gov.uk/bank-holidays), plus Christmas Day and
 * Easter Sunday (shops shut or on short hours).
 */
export const ENGLAND_HOLIDAYS = [
  "2009-01-01", "2009-04-10", "2009-04-12", "2009-04-13", "2009-05-04", "2009-05-25", "2009-08-31", "2009-12-25", "2009-12-28",
  "2010-01-01", "2010-04-02", "2010-04-04", "2010-04-05", "2010-05-03", "2010-05-31", "2010-08-30", "2010-12-25", "2010-12-27", "2010-12-28",
  "2011-01-03", "2011-04-22", "2011-04-24", "2011-04-25", "2011-04-29", "2011-05-02", "2011-05-30", "2011-08-29", "2011-12-25", "2011-12-26", "2011-12-27",
  "2012-01-02", "2012-04-06", "2012-04-08", "2012-04-09", "2012-05-07", "2012-06-04", "2012-06-05", "2012-08-27", "2012-12-25", "2012-12-26",
  "2013-01-01", "2013-03-29", "2013-03-31", "2013-04-01", "2013-05-06", "2013-05-27", "2013-08-26", "2013-12-25", "2013-12-26",
  "2014-01-01", "2014-04-18", "2014-04-20", "2014-04-21", "2014-05-05", "2014-05-26", "2014-08-25", "2014-12-25", "2014-12-26",
  "2015-01-01", "2015-04-03", "2015-04-05", "2015-04-06", "2015-05-04", "2015-05-25", "2015-08-31", "2015-12-25", "2015-12-28",
  "2016-01-01", "2016-03-25", "2016-03-27", "2016-03-28", "2016-05-02", "2016-05-30", "2016-08-29", "2016-12-25", "2016-12-26", "2016-12-27",
];

/** Public holidays in Victoria 2015-2016 (Business Victoria), incl. AFL Grand Final Friday and Melbourne Cup day. */
export const VICTORIA_HOLIDAYS = [
  "2015-01-01", "2015-01-26", "2015-03-09", "2015-04-03", "2015-04-04", "2015-04-06", "2015-04-25", "2015-06-08", "2015-10-02", "2015-11-03", "2015-12-25", "2015-12-26", "2015-12-28",
  "2016-01-01", "2016-01-26", "2016-03-14", "2016-03-25", "2016-03-26", "2016-03-27", "2016-03-28", "2016-04-25", "2016-06-13", "2016-09-30", "2016-11-01", "2016-12-25", "2016-12-26", "2016-12-27",
];

/** Leeds city-centre cameras: one series per location, InCount per hour, deduplicated. */
export function leeds() {
  const text = gunzipSync(readFileSync(file("leeds-city-centre-footfall", "footfall.csv.gz"))).toString("utf8");
  const byLoc = new Map();
  let start = text.indexOf("\n") + 1;
  while (start < text.length) {
    let end = text.indexOf("\n", start);
    if (end < 0) end = text.length;
    const line = text.slice(start, end);
    start = end + 1;
    if (!line) continue;
    // Date,InCount,BRCWeek,LocationName,Hour,Weekday,NewDate,...: the fields we read come before any quoted one
    const f = line.split(",", 7);
    const m = /^(\d{2})-([A-Z][a-z]{2})-(\d{4})$/.exec(f[6]);
    const count = Number(f[1]);
    const hour = Number(f[4]);
    if (!m || !Number.isFinite(count) || !(hour >= 0 && hour <= 23)) continue;
    const ts = Date.UTC(Number(m[3]), MONTHS[m[2]], Number(m[1]), hour);
    let series = byLoc.get(f[3]);
    if (!series) byLoc.set(f[3], (series = new Map()));
    series.set(ts, count); // duplicates (2016-07-01..03) collapse on (location, date, hour)
  }
  return [...byLoc.keys()].sort().map((loc) => ({
    name: loc,
    timeZone: "UTC",
    points: [...byLoc.get(loc)].map(([ts, value]) => ({ ts, value })),
    special: { holidays: ENGLAND_HOLIDAYS },
  }));
}

/** CalIt2 main door: IN and OUT per hour (two 30-min bins, each stamped with its end), with the known events. */
export function calit2() {
  const wall = (date, time) => {
    const [mm, dd, yy] = date.split("/").map(Number);
    const [h, mi, s] = time.split(":").map(Number);
    return Date.UTC(2000 + yy, mm - 1, dd, h, mi, s);
  };
  const flows = { 9: new Map(), 7: new Map() };
  // the 30-minute bins themselves, by their start (for experiments on half-hour-shifted hours)
  const bins = { 9: [], 7: [] };
  for (const line of readFileSync(file("calit2-building-people-counts", "CalIt2.data"), "utf8").split("\n")) {
    const f = line.trim().split(",");
    if (f.length < 4 || !flows[f[0]]) continue;
    const binStart = wall(f[1], f[2]) - 30 * 60_000;
    const hour = Math.floor(binStart / H) * H;
    bins[f[0]].push({ ts: binStart, value: Number(f[3]) });
    const m = flows[f[0]];
    m.set(hour, (m.get(hour) ?? 0) + Number(f[3]));
  }
  const events = [];
  for (const line of readFileSync(file("calit2-building-people-counts", "CalIt2.events"), "utf8").split("\n")) {
    const f = line.trim().split(",");
    if (f.length < 3) continue;
    const from = wall(f[0], f[1]);
    let to = wall(f[0], f[2]);
    if (to <= from) to += 86_400_000;
    // the label ("10; event", "20; event", "30; event") as the event's weight: in the weeks before
    // the held-out ones, "30" events brought 2-4 times the usual arrivals, "10" ones hardly any
    const label = Number(/^\s*(\d+)/.exec(f[3] ?? "")?.[1]);
    events.push({ from, to, ...(Number.isFinite(label) ? { weight: label / 30 } : {}) });
  }
  return [
    { name: "in", timeZone: "UTC", points: [...flows[9]].map(([ts, value]) => ({ ts, value })), special: { events }, halfHours: bins[9] },
    { name: "out", timeZone: "UTC", points: [...flows[7]].map(([ts, value]) => ({ ts, value })), special: { events }, halfHours: bins[7] },
  ];
}

/** Melbourne's four sensors, real instants in Australia/Melbourne; missing hours stay missing. */
export function melbourne() {
  const bySensor = new Map();
  const lines = readFileSync(file("melbourne-pedestrian-counts", "pedestrian.csv"), "utf8").split("\n");
  for (const line of lines.slice(1)) {
    const f = line.split(",");
    if (f.length < 5) continue;
    const ts = Date.parse(f[1]);
    const value = Number(f[4]);
    if (!Number.isFinite(ts) || !Number.isFinite(value)) continue;
    let s = bySensor.get(f[0]);
    if (!s) bySensor.set(f[0], (s = []));
    s.push({ ts, value });
  }
  return [...bySensor.keys()].sort().map((name) => ({ name, timeZone: "Australia/Melbourne", points: bySensor.get(name), special: { holidays: VICTORIA_HOLIDAYS } }));
}

function usWallClock(s) {
  const m = /^(\d{2})\/(\d{2})\/(\d{4}) (\d{2}):(\d{2}):(\d{2}) (AM|PM)$/.exec(s.trim());
  if (!m) return Number.NaN;
  let h = Number(m[4]) % 12;
  if (m[7] === "PM") h += 12;
  return Date.UTC(Number(m[3]), Number(m[1]) - 1, Number(m[2]), h, Number(m[5]));
}

/** Brooklyn Bridge pedestrians per hour (both directions), its holiday/event labels as holidays. */
export function brooklyn() {
  const lines = readFileSync(file("brooklyn-bridge-pedestrians", "Brooklyn_Bridge_Automated_Pedestrian_Counts_Demonstration_Project.csv"), "utf8").split("\n");
  const header = csvFields(lines[0]);
  const col = (name) => header.indexOf(name);
  const [cT, cP, cE] = [col("hour_beginning"), col("Pedestrians"), col("events")];
  const points = [];
  const holidays = new Set();
  for (const line of lines.slice(1)) {
    if (!line.trim()) continue;
    const f = csvFields(line);
    const ts = usWallClock(f[cT]);
    const value = Number(f[cP]);
    if (!Number.isFinite(ts) || f[cP] === "" || !Number.isFinite(value)) continue;
    points.push({ ts, value });
    const ev = f[cE]?.trim();
    if (ev && !/daylight saving/i.test(ev)) holidays.add(new Date(ts).toISOString().slice(0, 10));
  }
  return [{ name: "pedestrians", timeZone: "UTC", points, special: { holidays: [...holidays].sort() } }];
}

/** Fremont Bridge bicycles per hour (total of both sidewalks), 2012-2025; no holiday inputs. */
export function fremont() {
  const lines = readFileSync(file("fremont-bridge-bicycles", "FremontBridge.csv"), "utf8").split("\n");
  const points = [];
  for (const line of lines.slice(1)) {
    const f = csvFields(line);
    if (f.length < 2 || f[1] === "") continue;
    const ts = usWallClock(f[0]);
    const value = Number(f[1]);
    if (Number.isFinite(ts) && Number.isFinite(value)) points.push({ ts, value });
  }
  return [{ name: "total", timeZone: "UTC", points, special: {} }];
}

export const READERS = { leeds, calit2, melbourne, brooklyn, fremont };
