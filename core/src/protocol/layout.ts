import { Type, type Static } from "@sinclair/typebox";
import { ID_PATTERN, type StoreId, type ZoneId } from "./ids.js";
import { LIMITS } from "./limits.js";
import { NameString } from "./names.js";
import { compile } from "./validate.js";
import { isSimplePolygon, polygonArea, polygonWithin, type FloorPoint } from "../domain/geometry.js";

/** (v1.1) `queue`: a waiting line for the zone named in `queueFor` (its occupancy is the queue's length, its closed visits are waits). */
export const ZONE_KINDS = ["entrance", "zone", "checkout", "fitting-room", "other", "queue"] as const;
export type ZoneKind = (typeof ZONE_KINDS)[number];

const Point = Type.Tuple([Type.Number(), Type.Number()], { description: "[x, y] in metres, origin top-left" });
export const ZoneSchema = Type.Object({
  id: Type.String({ pattern: ID_PATTERN }),
  name: Type.String({ minLength: 1, maxLength: 100 }),
  kind: Type.Union(ZONE_KINDS.map((k) => Type.Literal(k))),
  polygon: Type.Array(Point, { minItems: 3, maxItems: LIMITS.maxPolygonPoints }),
  capacity: Type.Optional(Type.Integer({ minimum: 0 })),
  queueFor: Type.Optional(Type.String({ pattern: ID_PATTERN, description: "(v1.1) for a zone of kind queue: the id of the zone it queues for (e.g. a checkout)" })),
});
/** A zone as sent: its name one line of plain text (names.ts). ZoneSchema, as stored and answered, takes any name a layout was saved with before the rule. */
export const ZoneInputSchema = Type.Object({
  ...ZoneSchema.properties,
  name: NameString({ minLength: 1, maxLength: 100, description: "one line of plain text (no control character, no bidirectional override)" }),
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
  name: Type.Optional(NameString({ minLength: 1, maxLength: 100, description: "store name: one line of plain text (no control character, no bidirectional override)" })),
  version: Type.Optional(Type.Integer({ minimum: 1 })),
  validFrom: Type.Integer({ minimum: 0, description: "epoch ms from which this version applies" }),
  timezone: Type.String({ minLength: 1, maxLength: 64, description: "IANA time zone, e.g. Europe/Paris" }),
  currency: Type.Optional(CurrencySchema),
  floor: FloorSchema,
  zones: Type.Array(ZoneInputSchema, { maxItems: LIMITS.maxZones }),
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

/**
 * The layout a store keeps for `input` saved as `version` under `name`: the input's fields in the stored shape, checked
 * against the stored schema (throws "layout: <problems>" when it does not fit). The one builder of both storage adapters.
 */
export function storedLayout(store: StoreId, name: string, version: number, input: LayoutInput): Layout {
  const layout: Layout = {
    store,
    name,
    version,
    validFrom: input.validFrom,
    timezone: input.timezone,
    ...(input.currency ? { currency: input.currency } : {}),
    floor: input.floor,
    zones: input.zones,
  };
  if (!layoutValidator.check(layout)) throw new Error(`layout: ${layoutValidator.problems(layout).join("; ")}`);
  return layout;
}

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
 * have no area or leave the floor, (v1.1) queues whose `queueFor` names no other non-queue zone of
 * the layout. Each names the zone and what to fix. Empty when the layout is sound.
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
  problems.push(...queueProblems(layout.zones));
  return problems;
}

/**
 * (v1.1) A zone of kind `queue` must name in `queueFor` another zone of the layout that is not a
 * queue; a zone of another kind must not have `queueFor`. Each problem names the field.
 */
export function queueProblems(zones: readonly Pick<Zone, "id" | "kind" | "queueFor">[]): string[] {
  const problems: string[] = [];
  const byId = new Map(zones.map((z) => [z.id as string, z]));
  zones.forEach((zone, i) => {
    const at = `/zones/${i}/queueFor`;
    if (zone.kind !== "queue") {
      if (zone.queueFor !== undefined) problems.push(`${at}: zone "${zone.id}" is of kind "${zone.kind}"; only a zone of kind "queue" names the zone it queues for (remove queueFor or set kind to "queue")`);
      return;
    }
    if (zone.queueFor === undefined) {
      problems.push(`${at}: queue zone "${zone.id}" must name the zone it queues for (e.g. a checkout's id) in queueFor`);
      return;
    }
    const target = byId.get(zone.queueFor);
    if (!target) problems.push(`${at}: queue zone "${zone.id}" queues for "${zone.queueFor}", which is not a zone of this layout; use one of its zone ids`);
    else if (target.kind === "queue") problems.push(`${at}: queue zone "${zone.id}" queues for "${zone.queueFor}", which is itself a queue; name the zone people are served in (e.g. a checkout)`);
  });
  return problems;
}

/** (v1.1) The queues of a layout: each zone of kind `queue` with the zone it queues for. */
export function queuesOf(zones: readonly Pick<Zone, "id" | "kind" | "queueFor">[]): { zone: ZoneId; queueFor: ZoneId }[] {
  return zones.flatMap((z) => (z.kind === "queue" && z.queueFor !== undefined ? [{ zone: z.id, queueFor: z.queueFor as ZoneId }] : []));
}
