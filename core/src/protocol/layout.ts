import { Type, type Static } from "@sinclair/typebox";
import { ID_PATTERN, type StoreId, type ZoneId } from "./ids.js";
import { LIMITS } from "./limits.js";
import { compile } from "./validate.js";
import { isSimplePolygon, polygonArea, polygonWithin, type FloorPoint } from "../domain/geometry.js";

export const ZONE_KINDS = ["entrance", "zone", "checkout", "fitting-room", "other"] as const;
export type ZoneKind = (typeof ZONE_KINDS)[number];

const Point = Type.Tuple([Type.Number(), Type.Number()], { description: "[x, y] in metres, origin top-left" });
export const ZoneSchema = Type.Object({
  id: Type.String({ pattern: ID_PATTERN }),
  name: Type.String({ minLength: 1, maxLength: 100 }),
  kind: Type.Union(ZONE_KINDS.map((k) => Type.Literal(k))),
  polygon: Type.Array(Point, { minItems: 3, maxItems: LIMITS.maxPolygonPoints }),
  capacity: Type.Optional(Type.Integer({ minimum: 0 })),
});
export const FloorSchema = Type.Object({
  width: Type.Number({ exclusiveMinimum: 0, maximum: 10_000, description: "metres" }),
  height: Type.Number({ exclusiveMinimum: 0, maximum: 10_000, description: "metres" }),
  image: Type.Optional(Type.String({ maxLength: 2_000_000, description: "URL (or data: URL) of a background image" })),
});
/** The currency of the store's sales (ISO 4217), so amounts are shown with it; optional (amounts then have none). */
const CurrencySchema = Type.String({ pattern: "^[A-Z]{3}$", description: "ISO 4217 code of the store's sales, e.g. EUR" });
/** What a client sends: `version` is assigned by the server, `store` comes from the URL. */
export const LayoutInputSchema = Type.Object({
  store: Type.Optional(Type.String({ pattern: ID_PATTERN })),
  name: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: "store name" })),
  version: Type.Optional(Type.Integer({ minimum: 1 })),
  validFrom: Type.Integer({ minimum: 0, description: "epoch ms from which this version applies" }),
  timezone: Type.String({ minLength: 1, maxLength: 64, description: "IANA time zone, e.g. Europe/Paris" }),
  currency: Type.Optional(CurrencySchema),
  floor: FloorSchema,
  zones: Type.Array(ZoneSchema, { maxItems: LIMITS.maxZones }),
});
export const LayoutSchema = Type.Object({
  store: Type.String({ pattern: ID_PATTERN }),
  name: Type.Optional(Type.String()),
  version: Type.Integer({ minimum: 1 }),
  validFrom: Type.Integer({ minimum: 0 }),
  timezone: Type.String(),
  currency: Type.Optional(CurrencySchema),
  floor: FloorSchema,
  zones: Type.Array(ZoneSchema),
});

export type ZoneWire = Static<typeof ZoneSchema>;
export type Zone = Omit<ZoneWire, "id" | "polygon"> & { id: ZoneId; polygon: FloorPoint[] };
export type LayoutInput = Omit<Static<typeof LayoutInputSchema>, "zones"> & { zones: Zone[] };
export type Layout = Omit<Static<typeof LayoutSchema>, "store" | "zones"> & { store: StoreId; zones: Zone[] };

export const layoutInputValidator = compile(LayoutInputSchema);
export const layoutValidator = compile(LayoutSchema);

export function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat("en", { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/**
 * Problems a schema cannot see: time zone, duplicate zone ids, polygons that cross themselves,
 * have no area or leave the floor. Each names the zone and what to fix. Empty when the layout is sound.
 */
export function layoutProblems(layout: Pick<LayoutInput, "timezone" | "floor" | "zones">): string[] {
  const problems: string[] = [];
  if (!isTimeZone(layout.timezone)) problems.push(`/timezone: "${layout.timezone}" is not an IANA time zone (e.g. Europe/Paris)`);
  const seen = new Set<string>();
  layout.zones.forEach((zone, i) => {
    const at = `/zones/${i}`;
    if (seen.has(zone.id)) problems.push(`${at}/id: zone id "${zone.id}" is used twice`);
    seen.add(zone.id);
    if (!isSimplePolygon(zone.polygon)) problems.push(`${at}/polygon: zone "${zone.id}" crosses itself; move a corner so its edges do not intersect`);
    else if (polygonArea(zone.polygon) <= 0) problems.push(`${at}/polygon: zone "${zone.id}" has no area`);
    if (!polygonWithin(zone.polygon, layout.floor.width, layout.floor.height)) {
      problems.push(`${at}/polygon: zone "${zone.id}" leaves the floor (0..${layout.floor.width} x 0..${layout.floor.height} m)`);
    }
  });
  return problems;
}
