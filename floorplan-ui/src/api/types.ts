/**
 * Shapes of the routes the views read that core does not define (sales, conversion, funnels,
 * experiments, forecasts), beside the client.
 */
import type { Static } from "@sinclair/typebox";
import type { AgentProblem } from "@footfall/core";
import type { ForecastBody, OccupancyForecastBody } from "../../../server/src/routes/forecast-schemas.js";
import type { DepartmentsBody, ImportResult, SalesDaysBody } from "../../../server/src/routes/sales-schemas.js";
import type { AgentsBody, ConversionBody, ExperimentBody, ExperimentInputBody, FunnelBody, NOT_COMPARABLE, ResultBody, RetentionBody } from "../../../server/src/routes/schemas.js";

/** How long raw events are kept (`GET /stores`): ranges before `rawSince` show aggregates only. */
export type RetentionInfo = Static<typeof RetentionBody>;

/** An agent as `GET /stores/:store/agents` answers it (the server's schema). */
export type AgentInfo = Static<typeof AgentsBody>["agents"][number];

/** An agent as `GET /agents` lists it: its store's row, with the store and what needs attention (core's agentProblems). */
export type AllAgentsRow = AgentInfo & { store: string; storeName: string; problems: AgentProblem[] };
/** A page of `GET /agents`: `total` rows over all pages, `problems` agents needing attention, `next` page's offset. */
export interface AllAgentsPage {
  clockWarnMs: number;
  total: number;
  problems: number;
  agentsSeen: number;
  next: number | null;
  agents: AllAgentsRow[];
}

/** `{"<department>": ["zone-id", ...]}` (the server's schema). */
export type Departments = Static<typeof DepartmentsBody>["departments"];

export interface SalesRow {
  timestamp: string | number;
  zone?: string;
  department?: string;
  amount: number;
  items?: number;
  transaction: string;
}

/** `GET /stores/:store/sales/days`: transactions and their sum per local day, and the newest sale stored. */
export type SalesDays = Static<typeof SalesDaysBody>;

/** The answer of a sales upload (the server's schema): the first refused rows by line (the header is line 1) and how many were refused. */
export type SalesImportResult = Static<typeof ImportResult>;

/**
 * The answers of conversion, funnels and experiments are the server's own response schemas
 * (server/src/routes/schemas.ts, TypeBox), imported as types only: what the UI reads is what the
 * server promises, checked when either side changes. The UI narrows a few strings the schema
 * leaves open (metric ids, verdicts) and sends times as epoch ms.
 */
export type ConversionReport = Static<typeof ConversionBody>;
export type StoreConversion = ConversionReport["store"];
export type ZoneConversion = ConversionReport["zones"][number];

export type FunnelReport = Static<typeof FunnelBody>;
export type FunnelStep = FunnelReport["steps"][number];
export type FunnelBy = "none" | "hour" | "day";

export type Experiment = Static<typeof ExperimentBody>;
export type Period = Experiment["before"];
/** What the form sends (`POST /experiments`): the server's input schema, times as epoch ms. */
export type ExperimentInput = Omit<Static<typeof ExperimentInputBody>, "before" | "after" | "changeAt"> & { before: Period; after: Period; changeAt?: number };

export type ExperimentMetricId = "reach" | "visits" | "medianDwell" | "conversion";
export type Verdict = "increase" | "decrease" | "no clear change" | "too small to tell" | "not conclusive" | typeof NOT_COMPARABLE;

type ServerResult = Static<typeof ResultBody>;
type ServerZoneResult = ServerResult["zones"][number];
export type MetricResult = Omit<ServerZoneResult["metrics"][number], "metric" | "verdict"> & { metric: ExperimentMetricId; verdict: Verdict };
export type ExperimentResult = Omit<ServerResult, "zones"> & { zones: (Omit<ServerZoneResult, "metrics"> & { metrics: MetricResult[] })[] };

/** `GET /stores/:store/forecast`: expected visitors per hour (24h) or day (14d) with an 80 % interval (the server's schema). */
export type ForecastReport = Static<typeof ForecastBody>;
export type ForecastMethod = ForecastReport["method"];
/** `GET /stores/:store/forecast/occupancy`: expected people inside per hour for the next 24 hours, against the capacity. */
export type OccupancyForecastReport = Static<typeof OccupancyForecastBody>;
