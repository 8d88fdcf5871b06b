import { layoutProblems, mulberry32, type LayoutInput, type Zone, type ZoneKind } from "@footfall/core";
import type { BasketSetting } from "../sources/sim/basket.js";
import { Random } from "../sources/sim/prng.js";

/** Kinds of store a chain is made of: each its own floor, zones, hours and crowd. */
export const STORE_FORMATS = ["supermarket", "fashion", "convenience", "electronics", "pharmacy"] as const;
export type StoreFormat = (typeof STORE_FORMATS)[number];

/** One zone of a format: id, name, kind, share of the sales floor, median dwell (s), how much it draws. */
type ZoneSpec = [id: string, name: string, kind: ZoneKind, area: number, dwellS: number, attraction: number];

interface FormatSpec {
  /** Name on the fascia. */
  brand: string;
  /** Sales floor (m) before a store's own size factor. */
  floor: [width: number, height: number];
  /** Opening and closing hour (local), before a store's own shift of up to an hour. */
  hours: [opens: number, closes: number];
  /** Rush hours (local, fractional) with their weight, on top of a base level while open. */
  peaks: Array<[hour: number, weight: number, widthH: number]>;
  /** Visitors an hour at the busiest hour, a typical store: [low, high] across the chain. */
  busiest: [number, number];
  /** Zones browsed per visit besides the entrance and the tills. */
  zonesPerVisit: number;
  skipCheckout: number;
  browse: ZoneSpec[];
  /** Checkouts: one for small formats, two till banks for big ones. */
  tills: number;
  /** What a paying visitor buys in a zone browsed: chance, items on average, median price of an item (in euros; other currencies convert it). */
  basket: [buyChance: number, meanItems: number, medianPrice: number];
}

const FORMATS: Record<StoreFormat, FormatSpec> = {
  supermarket: {
    brand: "Footfall Market",
    floor: [36, 24],
    hours: [7, 22],
    peaks: [
      [12.5, 0.8, 1.2],
      [18, 1, 1.5],
    ],
    busiest: [180, 420],
    zonesPerVisit: 4.5,
    skipCheckout: 0.08,
    tills: 2,
    basket: [0.6, 2.5, 2.6],
    browse: [
      ["fruit-veg", "Fruit & vegetables", "zone", 3, 110, 1.7],
      ["bakery", "Bakery", "zone", 2, 70, 1.3],
      ["dairy", "Dairy", "zone", 2, 40, 1.2],
      ["meat-fish", "Meat & fish", "zone", 2, 80, 1],
      ["drinks", "Drinks", "zone", 2, 45, 0.9],
      ["frozen", "Frozen food", "zone", 2, 45, 0.7],
      ["household", "Household", "zone", 2, 80, 0.6],
      ["promo", "Promotions", "zone", 1, 30, 1.3],
      ["health-beauty", "Health & beauty", "zone", 1.5, 70, 0.5],
    ],
  },
  fashion: {
    brand: "Footfall Fashion",
    floor: [28, 20],
    hours: [10, 20],
    peaks: [
      [13, 0.6, 1],
      [16.5, 1, 2],
    ],
    busiest: [70, 180],
    zonesPerVisit: 3,
    skipCheckout: 0.55,
    tills: 1,
    basket: [0.45, 1.3, 32],
    browse: [
      ["women", "Women", "zone", 3, 240, 1.5],
      ["men", "Men", "zone", 2.5, 180, 1],
      ["kids", "Kids", "zone", 1.5, 150, 0.6],
      ["shoes", "Shoes", "zone", 1.5, 200, 0.9],
      ["accessories", "Accessories", "zone", 1, 90, 0.8],
      ["new-in", "New in", "zone", 1, 60, 1.4],
      ["fitting-room", "Fitting rooms", "fitting-room", 1, 360, 0.25],
    ],
  },
  convenience: {
    brand: "Footfall Express",
    floor: [14, 10],
    hours: [6, 23],
    peaks: [
      [8, 0.9, 1],
      [12.5, 0.8, 1],
      [18, 1, 1.5],
    ],
    busiest: [90, 220],
    zonesPerVisit: 1.8,
    skipCheckout: 0.05,
    tills: 1,
    basket: [0.8, 1.6, 2.9],
    browse: [
      ["snacks", "Snacks", "zone", 1, 30, 1.2],
      ["drinks", "Drinks", "zone", 1, 25, 1.5],
      ["fresh", "Fresh & ready meals", "zone", 1.5, 45, 1.3],
      ["grocery", "Grocery", "zone", 1.5, 40, 0.8],
      ["news-tobacco", "News & tobacco", "other", 0.5, 20, 0.6],
    ],
  },
  electronics: {
    brand: "Footfall Tech",
    floor: [32, 22],
    hours: [10, 20],
    peaks: [
      [15, 0.8, 2],
      [18, 1, 1.2],
    ],
    busiest: [50, 130],
    zonesPerVisit: 2.8,
    skipCheckout: 0.7,
    tills: 1,
    basket: [0.35, 1.1, 85],
    browse: [
      ["phones", "Phones", "zone", 2, 240, 1.6],
      ["computers", "Computers", "zone", 2.5, 300, 1],
      ["tv-audio", "TV & audio", "zone", 3, 260, 1],
      ["gaming", "Gaming", "zone", 1.5, 220, 1.1],
      ["appliances", "Appliances", "zone", 2.5, 200, 0.6],
      ["accessories", "Accessories", "zone", 1, 90, 1.2],
      ["service", "Service desk", "other", 1, 420, 0.3],
    ],
  },
  pharmacy: {
    brand: "Footfall Pharmacy",
    floor: [18, 12],
    hours: [8, 20],
    peaks: [
      [10, 0.8, 1.5],
      [17.5, 1, 1.5],
    ],
    busiest: [50, 120],
    zonesPerVisit: 1.6,
    skipCheckout: 0.2,
    tills: 1,
    basket: [0.7, 1.5, 9],
    browse: [
      ["prescriptions", "Prescriptions", "other", 1, 300, 1.4],
      ["cosmetics", "Cosmetics", "zone", 1.5, 120, 1],
      ["baby", "Baby care", "zone", 1, 90, 0.5],
      ["health", "Health & remedies", "zone", 1.5, 80, 1.1],
    ],
  },
};

/** Formats in a chain, as weights: mostly convenience and supermarkets, some of the rest. */
const FORMAT_MIX: Array<[StoreFormat, number]> = [
  ["supermarket", 0.3],
  ["convenience", 0.3],
  ["fashion", 0.2],
  ["electronics", 0.1],
  ["pharmacy", 0.1],
];

/** Where a European chain with a few US stores has its shops: [time zone, city, weight]. */
const CITIES: Array<[string, string, number]> = [
  ["Europe/Paris", "Paris", 3],
  ["Europe/Paris", "Lyon", 2],
  ["Europe/Berlin", "Berlin", 3],
  ["Europe/Berlin", "Munich", 2],
  ["Europe/Madrid", "Madrid", 2],
  ["Europe/Rome", "Milan", 2],
  ["Europe/Amsterdam", "Amsterdam", 1],
  ["Europe/London", "London", 3],
  ["Europe/Warsaw", "Warsaw", 1],
  ["America/New_York", "New York", 1],
  ["America/Chicago", "Chicago", 0.5],
];

/** What a city's stores sell in (ISO 4217), and a price there in that currency per euro of the formats' prices. */
const CURRENCY: Record<string, [currency: string, perEuro: number]> = {
  London: ["GBP", 0.85],
  Warsaw: ["PLN", 4.3],
  "New York": ["USD", 1.1],
  Chicago: ["USD", 1.1],
};
const currencyOf = (city: string): [string, number] => CURRENCY[city] ?? ["EUR", 1];

/** One simulated store of a chain: what its agent sends and what the server must know of it. */
export interface ChainStore {
  store: string;
  /** The store's one simulated agent. */
  agent: string;
  name: string;
  format: StoreFormat;
  city: string;
  /** Local opening and closing hour. */
  opens: number;
  closes: number;
  /** Its floor plan: the server needs it too (the zones its events name). */
  layout: LayoutInput;
  /** The simulator's settings for it (merged over the `sim` source's defaults). */
  settings: {
    seed: number;
    arrivalsPerHour: number;
    hourlyCurve: number[];
    meanZonesPerVisit: number;
    skipCheckoutRate: number;
    dwell: Record<string, { medianS: number; sigma: number }>;
    attraction: Record<string, number>;
    transitions: Record<string, Record<string, number>>;
    /**
     * What is bought in each zone browsed: the format's basket for the zone's kind, in the store's
     * currency. Given per zone id, since the sim merges its demo store's baskets (in euros) into
     * `basket` for the zone ids not given, and a supermarket's "bakery" is also the demo's.
     */
    basket: Record<string, BasketSetting>;
    basketByKind: Record<string, BasketSetting>;
  };
}

export interface ChainOptions {
  /** How many stores (1 .. 100,000). */
  count: number;
  /** The same seed gives the same chain: stores, layouts, hours and crowds. */
  seed?: number;
  /** Store ids are `${prefix}-0001`, ... (default "store"). */
  prefix?: string;
  /** Agent id in every store (default "sim-1"). */
  agent?: string;
  /** validFrom of the layouts (default 2025-01-01: before any simulated event). */
  validFrom?: number;
}

/** A format's basket for the zones visitors browse; fitting rooms sell nothing themselves. */
function basketOf(spec: FormatSpec, perEuro: number): Record<string, BasketSetting> {
  const [buyChance, meanItems, euros] = spec.basket;
  const median = Math.round(euros * perEuro * 100) / 100;
  return {
    zone: { buyChance, meanItems, price: { median, sigma: 0.6 } },
    other: { buyChance: buyChance / 2, meanItems: 1, price: { median, sigma: 0.6 } },
    "fitting-room": { buyChance: 0, meanItems: 1, price: { median: 0, sigma: 0 } },
  };
}

type Rect = [x0: number, y0: number, x1: number, y1: number];
const round1 = (n: number) => Math.round(n * 10) / 10;
function rectZone(id: string, name: string, kind: ZoneKind, [x0, y0, x1, y1]: Rect): Zone {
  const p: Array<[number, number]> = [
    [round1(x0), round1(y0)],
    [round1(x1), round1(y0)],
    [round1(x1), round1(y1)],
    [round1(x0), round1(y1)],
  ];
  const area = (x1 - x0) * (y1 - y0);
  return { id: id as Zone["id"], name, kind, polygon: p, capacity: Math.max(2, Math.round(area / 2)) };
}

/**
 * A floor plan for a format: the entrance at the bottom left, the tills along the bottom wall, and
 * the browsing zones in rows above, each as wide as its share of the floor, with 1.5 m aisles.
 */
function floorPlan(spec: FormatSpec, width: number, height: number, rng: Random): { floor: { width: number; height: number }; zones: Zone[] } {
  const aisle = 1.5;
  const front = Math.min(5, Math.max(3, height * 0.2));
  const zones: Zone[] = [];
  const entranceW = Math.min(7, width * 0.22);
  zones.push(rectZone("entrance", "Entrance", "entrance", [0.5, height - front, 0.5 + entranceW, height - 0.5]));
  const tillW = (width - entranceW - aisle * (spec.tills + 1) - 1) / spec.tills;
  for (let t = 0; t < spec.tills; t++) {
    const x0 = 0.5 + entranceW + aisle + t * (tillW + aisle);
    zones.push(
      rectZone(spec.tills === 1 ? "checkout" : `checkout-${t + 1}`, spec.tills === 1 ? "Checkout" : `Tills ${t + 1}`, "checkout", [
        x0,
        height - front + 0.5,
        x0 + tillW,
        height - 0.5,
      ]),
    );
  }
  // A shuffled order, so two stores of one format differ in where things are.
  const browse = [...spec.browse];
  for (let i = browse.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [browse[i], browse[j]] = [browse[j]!, browse[i]!];
  }
  const rows = Math.max(1, Math.round(Math.sqrt(browse.length / 2)));
  const perRow = Math.ceil(browse.length / rows);
  const rowH = (height - front - aisle - 0.5 - aisle * (rows - 1)) / rows;
  for (let r = 0; r < rows; r++) {
    const row = browse.slice(r * perRow, (r + 1) * perRow);
    const total = row.reduce((a, z) => a + z[3], 0);
    const usable = width - 1 - aisle * (row.length - 1);
    let x = 0.5;
    const y0 = 0.5 + r * (rowH + aisle);
    for (const [id, name, kind, share] of row) {
      const w = (usable * share) / total;
      zones.push(rectZone(id, name, kind, [x, y0, x + w, y0 + rowH]));
      x += w + aisle;
    }
  }
  return { floor: { width, height }, zones };
}

/** Arrivals multiplier per local hour: 0 while closed, a base level plus the format's rush hours while open. */
function hourlyCurve(spec: FormatSpec, opens: number, closes: number): number[] {
  const raw = Array.from({ length: 24 }, (_, h) => {
    if (h < opens || h >= closes) return 0;
    const t = h + 0.5;
    return 0.25 + spec.peaks.reduce((sum, [at, weight, width]) => sum + weight * Math.exp(-((t - at) ** 2) / (2 * width * width)), 0);
  });
  const max = Math.max(...raw);
  return raw.map((v) => Math.round((v / max) * 100) / 100);
}

function pick<T>(rng: Random, items: Array<[T, number]>): T {
  return rng.weighted(items, ([, w]) => w)![0];
}

/** The stores of a simulated chain, the same for the same options: ids, names, formats, floors, hours and crowds. */
export function chainStores(opts: ChainOptions): ChainStore[] {
  const { count } = opts;
  if (!Number.isInteger(count) || count < 1 || count > 100_000) throw new Error(`--stores must be a whole number from 1 to 100000, not ${count}`);
  const prefix = opts.prefix ?? "store";
  const agent = opts.agent ?? "sim-1";
  const seed = opts.seed ?? 1;
  const digits = Math.max(4, String(count).length);
  const stores: ChainStore[] = [];
  const numbers = new Map<string, number>();
  for (let i = 0; i < count; i++) {
    // One stream per store from the chain's seed and its index: store 7 is the same in a chain of 10 or 1,000.
    const storeSeed = Math.floor(mulberry32((seed ^ Math.imul(i + 1, 0x9e3779b1)) >>> 0)() * 4_294_967_296);
    const rng = new Random(storeSeed);
    const format = pick(rng, FORMAT_MIX);
    const spec = FORMATS[format];
    const [tz, city] = pick(
      rng,
      CITIES.map(([zone, c, w]) => [[zone, c] as const, w]),
    );
    const size = Math.exp(rng.between(-0.25, 0.3));
    const width = Math.round(spec.floor[0] * size);
    const height = Math.round(spec.floor[1] * size);
    const shift = rng.int(3) - 1; // an hour earlier, on time, or an hour later
    const opens = spec.hours[0] + shift;
    const closes = Math.min(24, spec.hours[1] + shift + (rng.chance(0.2) ? 1 : 0));
    const plan = floorPlan(spec, width, height, rng);
    const dwell: ChainStore["settings"]["dwell"] = { entrance: { medianS: 8, sigma: 0.4 } };
    const attraction: Record<string, number> = {};
    for (const [id, , , , dwellS, pull] of spec.browse) {
      dwell[id] = { medianS: Math.round(dwellS * rng.between(0.8, 1.25)), sigma: 0.6 };
      attraction[id] = Math.round(pull * rng.between(0.8, 1.25) * 100) / 100;
    }
    for (const z of plan.zones)
      if (z.kind === "checkout") dwell[z.id] = { medianS: Math.round((format === "supermarket" ? 170 : 90) * rng.between(0.8, 1.2)), sigma: 0.4 };
    // Numbered by brand and city ("Footfall Fashion Berlin 2" after "Footfall Fashion Berlin"), not by city alone,
    // which named a city's first tech store "Footfall Tech Berlin 2" beside no "Footfall Tech Berlin".
    const base = `${spec.brand} ${city}`;
    const n = (numbers.get(base) ?? 0) + 1;
    numbers.set(base, n);
    const store = `${prefix}-${String(i + 1).padStart(digits, "0")}`;
    const name = `${base}${n > 1 ? ` ${n}` : ""}`;
    const [currency, perEuro] = currencyOf(city);
    const byKind = basketOf(spec, perEuro);
    const layout: LayoutInput = { store, name, validFrom: opts.validFrom ?? Date.UTC(2025, 0, 1), timezone: tz, currency, floor: plan.floor, zones: plan.zones };
    const problems = layoutProblems(layout);
    if (problems.length > 0) throw new Error(`the generated layout of ${store} is broken (a bug): ${problems.join("; ")}`);
    stores.push({
      store,
      agent,
      name,
      format,
      city,
      opens,
      closes,
      layout,
      settings: {
        seed: storeSeed >>> 0,
        arrivalsPerHour: Math.round(Math.exp(rng.between(Math.log(spec.busiest[0]), Math.log(spec.busiest[1]))) * size),
        hourlyCurve: hourlyCurve(spec, opens, closes),
        meanZonesPerVisit: spec.zonesPerVisit,
        skipCheckoutRate: spec.skipCheckout,
        dwell,
        attraction,
        transitions: format === "fashion" ? { women: { "fitting-room": 6 }, men: { "fitting-room": 4 }, "fitting-room": { women: 3, men: 2 } } : {},
        basket: Object.fromEntries(spec.browse.map(([id, , kind]) => [id, byKind[kind] ?? byKind.zone!])),
        basketByKind: byKind,
      },
    });
  }
  return stores;
}
