import { Type, type Static } from "@sinclair/typebox";
import { AGENT_PROBLEMS, AgentRejectsSchema, ID_PATTERN, NameString } from "@footfall/core";
import { OutageBody } from "./chain-schemas.js";

/**
 * Shared route schemas (JSON Schema via TypeBox), also the source of the OpenAPI document and of
 * the UI's types of the answers (floorplan-ui/src/api/types.ts imports them as types): this file
 * depends on TypeBox and core only, never on Fastify or Node.
 */
export const StoreParams = Type.Object({ store: Type.String({ pattern: ID_PATTERN, description: "store id" }) });
/** The query of a route that takes no parameter: any key is refused, naming it (a filter it would leave unread, unknown-query.ts). */
export const NoQuery = Type.Object({});
export const TimeString = Type.String({ description: "ISO 8601 or epoch milliseconds", maxLength: 40 });
export const RangeQuery = Type.Object({
  from: Type.Optional(TimeString),
  to: Type.Optional(TimeString),
});
export const ErrorBody = Type.Object({ statusCode: Type.Integer(), error: Type.String(), message: Type.String() });
export const errorResponses = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody };

const Nullable = <T extends ReturnType<typeof Type.Number>>(t: T) => Type.Union([t, Type.Null()]);
/** How long raw events are kept (FOOTFALL_RETENTION_DAYS): ranges before `rawSince` are answered from hourly aggregates only. */
export const RetentionBody = Type.Object(
  {
    rawDays: Type.Integer({ description: "days raw events are kept; 0: for ever" }),
    rawSince: Type.Union([Type.Integer(), Type.Null()], { description: "epoch ms: raw events before this may be deleted; null when nothing is" }),
    history: Type.Optional(
      Type.Union([Type.Object({ keptDays: Type.Integer(), keptFrom: Type.Integer() }), Type.Null()], {
        description:
          "(core's KeptHistory) how long hour and day figures are kept (FOOTFALL_AGGREGATE_RETENTION_DAYS) and the oldest instant kept, epoch ms, as GET /overview's history: a range before keptFrom counts nothing there (the views say so); null: kept for ever",
      }),
    ),
  },
  { description: "the retention horizon: figures that need raw events (experiments' per-visit statistics, the parts of hours at a range's edges) cannot reach before rawSince; the rest comes from aggregates" },
);
export type RetentionInfo = Static<typeof RetentionBody>;
export const StoresBody = Type.Object({ stores: Type.Array(Type.Object({ id: Type.String(), name: Type.String() })), retention: RetentionBody });

export const DwellStatsBody = Type.Union([
  Type.Object({ mean: Type.Number(), median: Type.Number(), p90: Type.Number() }),
  Type.Null(),
]);
/** (this project) The first hour of the figures kept, on the answers read from them (/traffic, /dwell; /counts says it too). */
const KeptFromField = Type.Optional(
  Type.Integer({
    description:
      "(this project) epoch ms: the first hour of the hour and day figures kept (FOOTFALL_AGGREGATE_RETENTION_DAYS), as /counts' keptFrom; the figures before it are deleted, so the zeros of a range before it are no data kept, not a closed store. Absent: kept for ever",
  }),
);
/**
 * `outages` of GET .../dwell, .../paths, .../funnel and .../conversion: the open hours of the range in which a zone
 * of the layout was counted by no agent (chain/outages.ts storeNotCounted, core zonesNotCounted: /traffic's rule for
 * every zone, not only the entrances).
 */
export const ZonesOutagesField = Type.Optional(
  Type.Unsafe<Static<typeof OutageBody>>({
    ...OutageBody,
    description:
      "(this project) the open hours of [from, to) in which a zone of the store was counted by no agent (every agent counting it offline by the recorded offline spans; hours an agent delivered later from its outbox are counted), as GET .../traffic's outages for the entrance: {hours, zones, spans} or null when none. `zones` names the zones nobody counted: their visits, dwell, trips and (an entrance among them) the store's enters of those hours are not known, not none",
  }),
);
export const DwellBody = Type.Object({
  zones: Type.Array(Type.Object({ zone: Type.String(), visits: Type.Integer(), visitors: Type.Integer(), dwell_s: DwellStatsBody })),
  keptFrom: KeptFromField,
  outages: ZonesOutagesField,
});
export const PathsBody = Type.Object({
  paths: Type.Array(Type.Object({ zones: Type.Array(Type.String()), count: Type.Integer() })),
  transitions: Type.Array(Type.Object({ from: Type.String(), to: Type.String(), count: Type.Integer() })),
  trips: Type.Integer({ description: "(v1.1) every trip in range, not only those of the listed paths" }),
  outages: ZonesOutagesField,
});
export const TrafficBody = Type.Object({
  buckets: Type.Array(Type.Object({ start: Type.String(), enters: Type.Integer(), zones: Type.Record(Type.String(), Type.Integer()) })),
  keptFrom: KeptFromField,
  outages: Type.Optional(
    Type.Unsafe<Static<typeof OutageBody>>({
      ...OutageBody,
      description:
        "(this project) the open hours of [from, to) in which the store's entrance was counted by no agent (every agent counting it offline by the recorded offline spans; hours an agent delivered later from its outbox are counted), as GET /overview's outages.range: {hours, zones, spans} or null when none. Those buckets' enters are short by what nobody counted: a period with one is compared with no other",
    }),
  ),
});
export const OccupancyBody = Type.Object({
  ts: Type.Integer(),
  total: Type.Integer(),
  zones: Type.Array(
    Type.Object({
      zone: Type.String(),
      occupancy: Type.Integer(),
      capacity: Nullable(Type.Number()),
      offlineSince: Type.Optional(
        Type.Union([Type.Integer(), Type.Null()], {
          description:
            "(this project) epoch ms since when nothing counts the zone: every agent whose events named it is offline, silent (online, but unheard for 3 status intervals) or revoked, the rule of /queues/live's offlineSince; its `occupancy` is then the people seen before, kept until the visit timeout. Null while one of them counts it. With opening hours, null too while the store is closed and they went down after it closed (a box off at night), and at its opening, still down, the opening time (core notCountedWhileOpen). (README: Checkout queues; floorplan-ui/README: The live tablet)",
        }),
      ),
      offlineAgents: Type.Optional(Type.Array(Type.String(), { description: "(this project) those agents while offlineSince is set; [] otherwise" })),
    }),
  ),
  totalFrom: Type.Optional(Type.Union([Type.Literal("door"), Type.Literal("zones")], { description: "where `total` comes from: the door counters' net count since local midnight, or the people followed in zones (no door counter)" })),
  doorZones: Type.Optional(Type.Array(Type.String(), { description: "zones a door counter reports for: their `occupancy` counts only people followed in them" })),
  partial: Type.Optional(
    Type.Boolean({
      description: "(this project) true when `total` holds a zone nothing counts now (offlineSince set): one whose people it adds up, or, from door counters, a door zone; the total then is not all live",
    }),
  ),
  layoutVersion: Type.Optional(
    Type.Integer({
      description:
        "(this project) the version of the store's layout in force now, the one the figures are counted on, as the live push names it: a client showing another version (a zone renamed or moved keeps its id) fetches the layout",
    }),
  ),
});
export const AgentsBody = Type.Object({
  clockWarnMs: Type.Optional(Type.Integer({ description: "an agent whose clockOffsetMs is further from 0 than this is flagged (FOOTFALL_CLOCK_WARN_MS, default 30000)" })),
  agents: Type.Array(
    Type.Object({
      agent: Type.String(),
      kind: Type.String(),
      state: Type.String(),
      version: Type.Union([Type.String(), Type.Null()]),
      lastStatusTs: Type.Union([Type.Integer(), Type.Null()]),
      lastEventTs: Type.Union([Type.Integer(), Type.Null()]),
      lagMs: Type.Union([Type.Integer(), Type.Null()]),
      events: Type.Integer(),
      duplicates: Type.Integer(),
      rejects: Type.Integer(),
      revokedAt: Type.Optional(Type.Union([Type.Integer(), Type.Null()], { description: "when an admin revoked it (its login no longer works), or null" })),
      rejectReasons: Type.Optional(
        Type.Record(Type.String(), Type.Integer(), { description: "rejects since this server started, by reason (too_old, future, unknown_zone, schema, ...): why events were refused" }),
      ),
      backlog: Type.Optional(
        Type.Union([
          Type.Object(
            {
              queued: Type.Integer({ description: "events the agent held, not yet settled (its outbox), when it sent its last status (lastStatusTs)" }),
              oldestQueuedAgeMs: Type.Union([Type.Integer(), Type.Null()], { description: "age of the oldest of them then, ms" }),
              outboxDropped: Type.Union([Type.Integer(), Type.Null()], { description: "events its full durable outbox dropped, over all its boots" }),
            },
            { description: "what the agent said it held at its last status; null: it never said (older agents, or none yet)" },
          ),
          Type.Null(),
        ]),
      ),
      clockOffsetMs: Type.Optional(
        Type.Union([Type.Integer(), Type.Null()], {
          description:
            "the agent's clock minus the server's, ms (positive: ahead): (status ts - receipt time) of its newest live online status confirmed by an earlier one received at least 20 s before that agrees within 2 s (statuses a broker queued while the server was away arrive together and confirm nothing); null: none confirmed yet",
        }),
      ),
      clockMeasuredAt: Type.Optional(Type.Union([Type.Integer(), Type.Null()], { description: "when that status arrived (server clock, epoch ms), or null" })),
      lastHeardAt: Type.Optional(
        Type.Union([Type.Integer(), Type.Null()], {
          description: "when the server last heard from it live (server clock, epoch ms): the newest arrival of its events or of a live online status (not a retained copy, not a last will); null: never",
        }),
      ),
      statusEveryMs: Type.Optional(Type.Union([Type.Integer(), Type.Null()], { description: "how often it says it sends its status (its status's statusEveryS), ms; null: it does not say (30 s)" })),
      input: Type.Optional(
        Type.Union([
          Type.Object(
            {
              unit: Type.Union([Type.String(), Type.Null()], { description: "what its source's input is (frame, tick), as its status's inputUnit; null: not said" }),
              ageMs: Type.Union([Type.Integer(), Type.Null()], { description: "how long before its last status its source last gave input (inputAgeMs), ms; null: not said" }),
              downMs: Type.Union([Type.Integer(), Type.Null()], { description: "how long its source had been failing and restarting then (sourceDownMs), ms; 0: running; null: not said" }),
              restarts: Type.Union([Type.Integer(), Type.Null()], { description: "restarts of its source after a failure since the agent started (sourceRestarts)" }),
            },
            { description: "what its last status said of its source's input; null: nothing (agents older than the stalled rule)" },
          ),
          Type.Null(),
        ]),
      ),
      agentRejects: Type.Optional(Type.Union([AgentRejectsSchema, Type.Null()])),
      recentInput: Type.Optional(
        Type.Union([
          Type.Object(
            {
              read: Type.Integer({ description: "input its source read over the 10 minutes before its last status (lines, pushes, gateway records), those it refused included (recentRead)" }),
              refused: Type.Integer({ description: "of it, what its source refused itself (recentRefused)" }),
            },
            { description: "what its last status said its source read and refused lately (the refusing rule); null: it does not say (older agents)" },
          ),
          Type.Null(),
        ]),
      ),
      problems: Type.Optional(
        Type.Array(Type.Union(AGENT_PROBLEMS.map((x) => Type.Literal(x))), {
          description:
            "what needs attention (core's agentProblems; with the store's opening hours, not offline or silent while it is closed for an agent down since it closed, or since shortly before, nor for the grace after it opens: expectedBackBy): offline, never-seen, silent (online, but nothing heard for 3 status intervals, at least 90 s: lastHeardAt), stalled (online, but its last status said a camera or simulator had no input for over a minute, or its source had been failing and restarting for over a minute: input), refusing (online, and its source refused at least 10 of what it read over the 10 minutes before its last status, over a tenth of it: recentInput), lagging (newest event over 10 s late, not caught up), clock (off past clockWarnMs), backlog (oldest held event over a minute, or its outbox dropped some); [] when fine or revoked",
        }),
      ),
      expectedBackBy: Type.Optional(
        Type.Union([Type.Integer(), Type.Null()], {
          description:
            "(this project) epoch ms: an agent down (offline or silent) since the store closed, or since shortly before (within the grace), while the store has been open for less than the grace: it is given until then to boot and connect, not `offline` yet (the Agents view: 'expected back by 08:10'); after it, `offline`, when the store's agent-offline rule pages. The grace ends when the first enabled agent-offline rule watching the agent pages (the store open for its threshold and its forSeconds; a rule naming another agent watches not this one), 10 min without one. Null otherwise",
        }),
      ),
    }),
  ),
});

// Conversion
const Ratio = (description?: string) => Type.Union([Type.Number(), Type.Null()], description ? { description } : {});
export const ConversionBody = Type.Object({
  store: Type.Object({
    visitors: Type.Integer({ description: "store enters in the range: visits opened in entrance zones plus door counters' `in`" }),
    since: Type.Union([Type.Integer(), Type.Null()], {
      description:
        "epoch ms: where the sales figures (transactions, sales, conversion, average basket, sales per visitor, and the zones') begin: the range's start, or the start of the local day holding the store's first figures when those begin inside the range (sales before them have no enters to be set against); null when the store has no figures before the range's end (no sale is counted)",
    }),
    transactions: Type.Integer({ description: "till transactions from `since` to the range's end; 0 when `since` is null, whatever the tills recorded (`GET .../sales/days` lists those; the report says \"not counted\")" }),
    sales: Type.Number({ description: "their sum" }),
    conversion: Ratio("transactions / visitors; null without visitors, or with no sale recorded from `since` (sales not imported yet: not 0 %)"),
    averageBasket: Ratio(),
    salesPerVisitor: Ratio("sales / visitors; null as conversion"),
    staffRatio: Type.Null({ description: "shoppers per staff member: needs staff counts, which v1 has no source for, so always null" }),
  }),
  zones: Type.Array(
    Type.Object({
      zone: Type.String(),
      visits: Type.Integer(),
      transactions: Type.Number({ description: "a department's sale counts 1/n in each of its n zones" }),
      sales: Type.Number(),
      conversion: Ratio("transactions / visits; null without visits, or when the store has no sale recorded in the range"),
      salesPerVisit: Ratio(),
      dwellMedian_s: Ratio(),
      longDwellLowConversion: Type.Boolean({
        description: "median dwell above the store's median over zones and conversion below the zones' median (zones with 30 visits or more); never for zones that do not sell by nature (entrance, checkout, fitting-room, queue)",
      }),
    }),
  ),
  outages: ZonesOutagesField,
});

// Funnels
const FunnelStepBody = Type.Object({
  step: Type.String(),
  reached: Type.Integer({ description: "trips whose path holds this step and every earlier one, in order" }),
  dropOff: Type.Integer({ description: "reached here minus reached at the next step (0 at the last)" }),
  rate: Type.Number({ description: "reached / reached at the first step" }),
  stepRate: Type.Number({ description: "reached / reached at the previous step" }),
  shareOfTrips: Type.Number({ description: "reached / every trip in the range" }),
});
export const FunnelBody = Type.Object({
  steps: Type.Array(FunnelStepBody),
  buckets: Type.Optional(
    Type.Array(Type.Object({ start: Type.String({ description: "local start, ISO 8601 with offset" }), steps: Type.Array(FunnelStepBody) })),
  ),
  outages: ZonesOutagesField,
});

// Experiments
/** The verdict of a zone of interest that did not exist in one of the periods. */
export const NOT_COMPARABLE = "not comparable";
const StoreId = Type.String({ pattern: ID_PATTERN });
const TimeValue = Type.Union([Type.Integer({ minimum: 0 }), TimeString]);
const PeriodInput = Type.Object({ from: TimeValue, to: TimeValue });
export const ExperimentInputBody = Type.Object({
  name: NameString({ minLength: 1, maxLength: 200, description: "one line of plain text (no control character, no bidirectional override)" }),
  testStores: Type.Array(StoreId, { minItems: 1, maxItems: 50, uniqueItems: true, description: "the stores whose layout changed" }),
  controlStores: Type.Optional(
    Type.Array(StoreId, { maxItems: 50, uniqueItems: true, default: [], description: "unchanged stores; with them the change is a difference in differences" }),
  ),
  changeAt: Type.Optional(
    Type.Union([Type.Integer({ minimum: 0 }), TimeString, Type.Null()], { description: "when the change took effect (or give layoutVersion)" }),
  ),
  layoutVersion: Type.Optional(
    Type.Union([Type.Integer({ minimum: 1 }), Type.Null()], {
      description: "a layout version of the first test store: the change took effect at its validFrom",
    }),
  ),
  before: PeriodInput,
  after: PeriodInput,
  zones: Type.Array(Type.String({ pattern: ID_PATTERN }), { minItems: 1, maxItems: 50, uniqueItems: true, description: "zones of interest" }),
});

const Period = Type.Object({ from: Type.Integer(), to: Type.Integer() });
export const ExperimentBody = Type.Object({
  id: Type.String(),
  name: Type.String(),
  testStores: Type.Array(Type.String()),
  controlStores: Type.Array(Type.String()),
  changeAt: Type.Integer({ description: "epoch ms" }),
  layoutVersion: Type.Union([Type.Integer(), Type.Null()]),
  before: Period,
  after: Period,
  zones: Type.Array(Type.String()),
  createdAt: Type.Integer(),
});
export type Experiment = Static<typeof ExperimentBody>;

const IntervalBody = Type.Tuple([Type.Number(), Type.Number()]);
const RelativeBody = Type.Object({ estimate: Type.Number({ description: "0.12 is +12 %" }), interval: IntervalBody });
const MetricBody = Type.Object({
  metric: Type.String({ description: "reach (share of trips entering the zone) | visits (per trip) | medianDwell (s) | conversion (transactions / visits)" }),
  unit: Type.String({ description: "share | count | seconds" }),
  before: Nullable(Type.Number()),
  after: Nullable(Type.Number()),
  change: Nullable(Type.Number({ description: "after - before" })),
  relativeChange: Nullable(Type.Number({ description: "change / before" })),
  interval: Type.Union([IntervalBody, Type.Null()], { description: "95 % interval of change" }),
  relative: Type.Union([RelativeBody, Type.Null()], {
    description: "after / before - 1 with the interval of that ratio (not interval / before): what a relative verdict shows and reads",
  }),
  did: Type.Union([Type.Object({ estimate: Type.Number(), interval: IntervalBody, relative: Type.Union([RelativeBody, Type.Null()]) }), Type.Null()], {
    description: "difference in differences against the control stores; relative: the ratio of ratios (test after / test before) / (control after / control before) - 1 and its interval",
  }),
  verdict: Type.String({ description: `increase | decrease | no clear change | too small to tell | not conclusive (an increase or decrease whose periods fall mostly on different weekdays and hours: not to be acted on; the warnings say why) | ${NOT_COMPARABLE} (the zone did not exist in one of the periods; or, for conversion, a zone that sells nothing, a queue, a till, an entrance or a fitting room with no sale placed in it: no conversion, its figures null; or a zone known only by its door counter, nobody followed in it: no figures)` }),
  text: Type.String(),
  warning: Type.Union([Type.String(), Type.Null()]),
  basis: Type.String({ description: "before-after | difference-in-differences: what the verdict reads" }),
  sampleBefore: Type.Number(),
  sampleAfter: Type.Number(),
  adjusted: Type.Boolean({ description: "before/after adjusted for the weekday-hour mix of trips" }),
  unadjusted: Type.Union([Type.Object({ before: Type.Number(), after: Type.Number() }), Type.Null()]),
});
export const ResultBody = Type.Object({
  experiment: ExperimentBody,
  level: Type.Number(),
  timeZone: Type.String(),
  zones: Type.Array(Type.Object({ zone: Type.String(), name: Type.String(), metrics: Type.Array(MetricBody) })),
  warnings: Type.Array(Type.String()),
  trips: Type.Object({
    test: Type.Object({ before: Type.Integer(), after: Type.Integer() }),
    control: Type.Union([Type.Object({ before: Type.Integer(), after: Type.Integer() }), Type.Null()]),
  }),
  mix: Type.Object({ distance: Type.Number(), strata: Type.Integer(), coverage: Type.Number() }),
  computedAt: Type.Integer(),
  provisional: Type.Optional(
    Type.Boolean({ description: "true while the after period runs (at computedAt): the verdicts rest on the figures so far and may change; final once it is over" }),
  ),
});

// ---- checkout queues (issue 14.1) ----

const WaitStatsBody = Type.Union(
  [Type.Object({ n: Type.Integer({ description: "waits (closed queue visits) counted" }), mean: Type.Number(), median: Type.Number(), p90: Type.Number() }, { description: "seconds" }), Type.Null()],
  { description: "waits in seconds; null when there is none" },
);
export const LiveQueuesBody = Type.Object({
  ts: Type.Integer(),
  queues: Type.Array(
    Type.Object({
      zone: Type.String({ description: "the queue zone (kind queue)" }),
      name: Type.String(),
      queueFor: Type.String({ description: "the zone it queues for" }),
      queueForName: Type.String({ description: "(this project) the name of the zone it queues for (the tills'), from the layout in force" }),
      length: Type.Integer({ description: "people waiting now (visits open in the queue zone, people the tracking lost left out)" }),
      lost: Type.Integer({
        description:
          "visits open in the queue zone left out of length as people the tracking lost (in it longer than twice the longest wait that ended in the last 15 minutes, 3 minutes at least): the zone's live occupancy counts them until the visit timeout",
      }),
      capacity: Nullable(Type.Number()),
      estimatedWaitS: Nullable(Type.Number({ description: "estimated wait in seconds for someone joining now (README: Queues)" })),
      method: Type.Union([Type.Literal("recent-waits"), Type.Literal("throughput"), Type.Literal("littles-law"), Type.Literal("none")]),
      servedPerMin: Nullable(Type.Number({ description: "people leaving the queue per minute while it is not empty, last 15 minutes" })),
      arrivalsPerMin: Type.Number({ description: "people joining per minute, last 15 minutes" }),
      tillsOpen: Nullable(Type.Number({ description: "tills open at the zone it queues for, seen through its visits: with someone waiting the people at the tills now, else the most at once in the last 5 minutes; null when that zone has no visit in the last 2 hours (README: Queues)" })),
      lastHour: WaitStatsBody,
      offlineSince: Type.Union([Type.Integer(), Type.Null()], {
        description:
          "(this project) epoch ms since when nothing counts the queue: every agent whose events named the zone is offline, silent (online, but unheard for 3 status intervals) or revoked; the figures above are then those of that moment, not of now. Null while one of them counts it. With opening hours, null too while the store is closed and they went down after it closed (a box off at night), and at its opening, still down, the opening time (core notCountedWhileOpen). (README: Queues)",
      }),
      offlineAgents: Type.Array(Type.String(), { description: "(this project) those agents while offlineSince is set; [] otherwise" }),
    }),
  ),
});
export type LiveQueuesResponse = Static<typeof LiveQueuesBody>;
export const QueuesBody = Type.Object({
  timezone: Type.String(),
  queues: Type.Array(
    Type.Object({
      zone: Type.String(),
      name: Type.String(),
      queueFor: Type.String(),
      queueForName: Type.String({ description: "(this project) the name of the zone it queues for (the tills'), from the same layout as name (queues.csv's queue_for_name)" }),
      joins: Type.Integer({ description: "queue visits entered in the range" }),
      wait_s: WaitStatsBody,
      served: Type.Integer({ description: "joins in the range (by when the shopper joined the line) followed next by an enter of queueFor" }),
      abandoned: Type.Integer({ description: "joins followed by another zone, or ending a finished trip" }),
      pending: Type.Integer({ description: "joins ending a trip that may still go on" }),
      abandonmentRate: Nullable(Type.Number({ description: "abandoned / (served + abandoned)" })),
      byWeekdayHour: Type.Array(
        Type.Object({
          weekday: Type.Integer({ minimum: 1, maximum: 7, description: "ISO weekday in the store's time zone, 1 = Monday" }),
          hour: Type.Integer({ minimum: 0, maximum: 23 }),
          joins: Type.Integer({ description: "queue visits entered in this hour (the hour they joined the line); wait_s is of these" }),
          wait_s: WaitStatsBody,
          served: Type.Integer({ description: "served, by the hour they joined the line (as joins and wait_s, not the hour their trip began); queues.csv's served" }),
          abandoned: Type.Integer({ description: "abandoned, by the hour they joined the line (as joins and wait_s); queues.csv's abandoned" }),
        }),
      ),
    }),
  ),
});
export type QueuesResponse = Static<typeof QueuesBody>;
