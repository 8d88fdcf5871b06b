import { Type } from "@sinclair/typebox";
import { ID_PATTERN, NameString, OVERVIEW_SORTS, type OverviewSort } from "@footfall/core";

/**
 * Schemas of the chain routes (store groups, the chain overview, counts for BI tools), shared with
 * the UI as types (floorplan-ui/src/api/chain.ts): TypeBox and core only, never Fastify or Node.
 */
export const GroupParams = Type.Object({ group: Type.String({ pattern: ID_PATTERN, description: "store group id" }) });

export const GroupBody = Type.Object({
  id: Type.String(),
  name: Type.String(),
  kind: Type.Union([Type.String(), Type.Null()], { description: "what sort of group: region, format, ... (free text)" }),
  stores: Type.Array(Type.String(), { description: "its stores (those this token may see)" }),
});
export const GroupsBody = Type.Object({ groups: Type.Array(GroupBody) });

/** One line of plain text (core names.ts): both are shown in the chain view, digests' subjects and the CLI. */
const Name = NameString({ minLength: 1, maxLength: 200 });
const Kind = Type.Union([NameString({ minLength: 1, maxLength: 60 }), Type.Null()]);
const StoreIds = Type.Array(Type.String({ pattern: ID_PATTERN }), { maxItems: 10_000, uniqueItems: true });

export const GroupInput = Type.Object({
  id: Type.String({ pattern: ID_PATTERN, description: "the group's id, like a store's (lower case, digits, - and _)" }),
  name: Name,
  kind: Type.Optional(Kind),
  stores: Type.Optional(StoreIds),
});
export const GroupPatch = Type.Object({
  name: Type.Optional(Name),
  kind: Type.Optional(Kind),
  stores: Type.Optional(StoreIds),
});
export const StoreGroupsInput = Type.Object({ groups: Type.Array(Type.String({ pattern: ID_PATTERN }), { maxItems: 1000, uniqueItems: true }) });
export const StoreGroupsBody = Type.Object({ store: Type.String(), groups: Type.Array(Type.String()) });

// The overview's rows (1,000 stores, three periods each) use `type: [..., "null"]` and `enum`, not anyOf: Fastify's serializer
// (fast-json-stringify) picks an anyOf branch by running a validator on every value (~20 ms an answer of 1,000 stores in the profile).
const NullableNumber = Type.Unsafe<number | null>({ type: ["number", "null"] });
const NullableInteger = (description?: string) => Type.Unsafe<number | null>({ type: ["integer", "null"], ...(description ? { description } : {}) });
const OneOf = <T extends string>(values: readonly T[]) => Type.Unsafe<T>({ type: "string", enum: [...values] });
export const FiguresBody = Type.Object({
  enters: NullableInteger(
    "enters as `traffic` counts them (entrance zones' visits plus their door counters' in); null (no data, not 0) for a period the store's figures begin at or after the end of (`figuresFrom`: none yet, a year before it was counted, or older than the figures kept) (totals: summed over the stores that have them; null when none has)",
  ),
  visitors: NullableInteger(
    "distinct visitors of the entrance zones, as `dwell` counts them, summed over entrance zones; null when only door counters counted people in there, and null (no data, not 0) for a period the store's figures begin at or after the end of (`figuresFrom`: none yet, a year before it was counted, or older than the figures kept) (totals: summed over the stores that count them, a store nobody entered counting as neither; null when none does)",
  ),
  transactions: NullableInteger(
    "till transactions from the store's figures on (`since`); null (no data, not 0) for a period that ends at or before the store's first sale stored (no till feed yet, as GET /sales/days says) or before its figures begin; 0 from its first sale on is a till that sold nothing (totals: summed over the stores that have them; null when none has)",
  ),
  sales: Type.Unsafe<number | null>({
    type: ["number", "null"],
    description:
      "the sum of the transactions' amounts, in the store's currency; null with transactions (no data); totals: summed over the stores with sales data, null when none has, and null over stores that sell in different currencies (`currencies`), as is their averageBasket",
  }),
  conversion: Type.Unsafe<number | null>({ type: ["number", "null"], description: "transactions / enters; null without a transaction (sales not imported), without enters, or when either is null (no data)" }),
  averageBasket: Type.Unsafe<number | null>({ type: ["number", "null"], description: "sales / transactions; null without a transaction or when either is null (no data)" }),
  dwellMedianS: NullableNumber,
});
export const OverviewQuery = Type.Object({
  from: Type.Optional(Type.String({ description: "ISO 8601 or epoch ms, on a whole hour (default: 24 hours before to)", maxLength: 40 })),
  to: Type.Optional(Type.String({ description: "ISO 8601 or epoch ms, on a whole hour (a future end is cut at the end of the current hour; default: that end)", maxLength: 40 })),
  group: Type.Optional(Type.String({ pattern: ID_PATTERN, description: "only the stores of this group" })),
  store: Type.Optional(Type.String({ pattern: ID_PATTERN, description: "only this store (a store's own screens read its row so: the heatmap's 'Not counted since')" })),
  sort: Type.Optional(Type.Unsafe<OverviewSort>(Type.String({ enum: [...OVERVIEW_SORTS], default: "name" }))),
  order: Type.Optional(Type.Unsafe<"asc" | "desc">(Type.String({ enum: ["asc", "desc"], description: "default: asc for name, desc otherwise" }))),
});
const Period = Type.Object({ from: Type.Integer(), to: Type.Integer() });
const Compared = {
  figures: FiguresBody,
  previous: Type.Object({ ...FiguresBody.properties }, { description: "the same figures for the period just before, as long" }),
  lastYear: Type.Object({ ...FiguresBody.properties }, { description: "the same figures 364 days before (same weekdays)" }),
};
const NotLikeForLikeBody = Type.Unsafe<"new" | "no-data" | "outage" | null>({ type: ["string", "null"], enum: ["new", "no-data", "outage", null] });
/** The hours a store's entrance was counted by no agent while open (chain/outages.ts entranceNotCounted), or null: the overview's outages and GET .../traffic's. */
export const OutageBody = Type.Union([
  Type.Object({
    hours: Type.Integer({ description: "how many hours" }),
    zones: Type.Array(Type.String(), { description: "the entrance zones nobody counted" }),
    spans: Type.Array(Type.Object({ from: Type.Integer(), to: Type.Integer() }), { description: "the hours nobody counted (epoch ms), whole hours merged" }),
  }),
  Type.Null(),
]);
export const OverviewStoreBody = Type.Object({
  id: Type.String(),
  name: Type.String(),
  timezone: Type.String(),
  currency: Type.Unsafe<string | null>({ type: ["string", "null"], description: "the ISO 4217 code of the store's sales (its layout's `currency`), null when not set" }),
  groups: Type.Array(Type.String()),
  ...Compared,
  since: NullableInteger(
    "where the range's transactions, sales and conversion begin: the range's start, or the local midnight of the day the store's figures begin when that is inside the range (as /conversion's store.since); null: no figures in or before the range, no sale counted",
  ),
  figuresFrom: NullableInteger("when the store's figures begin (the start of its first local hour with any enter); null: none yet"),
  figuresWholeFrom: Type.Optional(
    NullableInteger(
      "(this project) from when the store's figures are whole (core's wholeFrom): the local midnight of their first day when that day was counted from its opening time, else figuresFrom; null: none yet. A range starting before it and ending after it is partial (its figures begin inside it), as the digests and the Report say",
    ),
  ),
  likeForLike: Type.Object(
    { previous: Type.Boolean(), lastYear: Type.Boolean() },
    {
      description:
        "whether the store was counted through the whole of the previous period (of last year's): its figures began at or before its start. False: that period is partial or empty, a change against it overstates growth; the chain view shows none and the totals' likeForLike leave the store out",
    },
  ),
  notLikeForLike: Type.Object(
    { previous: NotLikeForLikeBody, lastYear: NotLikeForLikeBody },
    {
      description:
        "why likeForLike is false (core's notLikeForLike), null where it is true: 'new', the store's figures begin after that period's start; 'no-data', that period is older than the figures kept (history.keptFrom) and the store's kept figures begin there: its history was dropped by retention, the store is not new; 'outage', its entrance was counted by no agent for some open hours of the range or of that period (outages): the figures are short by what nobody counted",
    },
  ),
  outages: Type.Optional(Type.Object(
    { range: OutageBody, previous: OutageBody, lastYear: OutageBody },
    {
      description:
        "(this project) for the range and each earlier period, the hours in which the store's entrance was counted by no agent while it was open (every agent counting it offline by the recorded offline spans; hours an agent delivered later from its outbox are counted), as experiments and forecasts leave them out; null when none. A period with one is compared with no other (notLikeForLike 'outage')",
    },
  )),
  closedThroughout: Type.Optional(
    Type.Object(
      { range: Type.Boolean(), previous: Type.Boolean(), lastYear: Type.Boolean() },
      { description: "(this project) whether the store was closed the whole of the range (of each earlier period) by its opening hours, exceptions included (a holiday); false without opening hours" },
    ),
  ),
  occupancy: Type.Integer({ description: "people in the store now (the live view's total)" }),
  occupancyFrom: OneOf(["door", "zones"] as const),
  partial: Type.Optional(
    Type.Boolean({
      description: "(this project) occupancy holds a zone nobody counts now (every agent of it offline, silent or revoked; with door counters, a door zone's): part of it is frozen, as the store's tablet says 'Partial'",
    }),
  ),
  notCounted: Type.Optional(
    Type.Array(Type.Object({ zone: Type.String(), name: Type.String(), since: Type.Integer({ description: "epoch ms" }), agents: Type.Array(Type.String()) }), {
      description: "(this project) the zones nobody counts now, with since when and the agents that counted them (GET .../occupancy's offlineSince and offlineAgents, by the store's opening hours as it is)",
    }),
  ),
  zoneCount: Type.Optional(
    Type.Integer({
      minimum: 0,
      description: "(this project) how many zones the store's current layout has (0 without a layout): notCounted holding them all means nothing is counted now, so occupancy is the count from before, not part of one",
    }),
  ),
  open: Type.Union([Type.Array(Type.Object({ from: Type.Integer(), to: Type.Integer() })), Type.Null()], {
    description: "the store's open intervals (epoch ms) from a day before now to two days after, as GET /stores/:store/hours/open answers them; null without opening hours (always open)",
  }),
  agents: Type.Object({
    agents: Type.Integer(),
    online: Type.Integer(),
    health: OneOf(["ok", "degraded", "offline", "none"] as const),
    lastEventTs: NullableInteger(),
    problems: Type.Optional(
      Type.Integer({
        description: "agents needing attention (offline, never seen, silent, input stalled, refusing input, lagging, clock off, backlog): core's agentProblems, as GET /api/v1/agents?problems=1&store= lists them (with the store's opening hours: not an agent down since the store closed, until it opens)",
      }),
    ),
  }),
});
const LikeForLike = Type.Object({
  stores: Type.Integer({ description: "the stores counted through the whole of both periods (those whose likeForLike is true)" }),
  figures: Type.Object({ ...FiguresBody.properties }, { description: "their figures in the range" }),
  before: Type.Object({ ...FiguresBody.properties }, { description: "their figures in the earlier period: the change is figures against before" }),
});
export const OverviewTotalsBody = Type.Object({
  id: Type.Union([Type.String(), Type.Null()], { description: "the group, or null for every store listed" }),
  name: Type.String(),
  stores: Type.Integer(),
  currency: Type.Unsafe<string | null>({ type: ["string", "null"], description: "the one currency of its stores with a sale in the range, null when none is set or they differ" }),
  currencies: Type.Array(Type.String(), {
    description: "the currencies of its stores with a sale in the range (a store without one set counts as selling in the others'); more than one: sales and averageBasket are null, as amounts in different currencies do not add up",
  }),
  ...Compared,
  likeForLike: Type.Object(
    { previous: LikeForLike, lastYear: LikeForLike },
    { description: "the totals' changes like-for-like: over the stores counted through the whole of both periods only (previous, previous period; lastYear, last year's); figures, previous and lastYear above stay the sums of all the stores" },
  ),
  occupancy: Type.Integer(),
  partialStores: Type.Optional(Type.Integer({ description: "(this project) how many of its stores' occupancy is partial (a zone nobody counts now)" })),
  visitorsLeftOut: Type.Optional(
    Type.Integer({
      description:
        "(this project) how many of its stores `figures.visitors` leaves out: stores whose visitors door counters only count (null in their row: a door counter cannot tell people apart), beside stores that count theirs; their enters are in `enters`. 0 when none is left out, or when none counts visitors (`visitors` null)",
    }),
  ),
});
export const OverviewBody = Type.Object({
  range: Period,
  previous: Period,
  lastYear: Period,
  stores: Type.Array(OverviewStoreBody),
  totals: OverviewTotalsBody,
  groups: Type.Array(OverviewTotalsBody, { description: "totals of each group over its stores listed here" }),
  history: Type.Union(
    [Type.Object({ keptDays: Type.Integer(), keptFrom: Type.Integer() }), Type.Null()],
    { description: "how long the hour and day figures every figure here is read from are kept (FOOTFALL_AGGREGATE_RETENTION_DAYS) and the oldest instant kept now; null: for ever" },
  ),
});
