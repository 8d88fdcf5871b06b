/**
 * Shapes of the routes the views read that core does not define (sales, conversion, funnels,
 * experiments, forecasts), beside the client.
 */
import type { Static } from "@sinclair/typebox";
import type { AgentsBody, ConversionBody, ExperimentBody, ExperimentInputBody, FunnelBody, NOT_COMPARABLE, ResultBody, RetentionBody } from "../../../server/src/routes/schemas.js";

/** How long raw events are kept (`GET /stores`): ranges before `rawSince` show aggregates only. */
export type RetentionInfo = Static<typeof RetentionBody>;

/** An agent as `GET /stores/:store/agents` answers it (the server's schema). */
export type AgentInfo = Static<typeof AgentsBody>["agents"][number];

/** `{"<department>": ["zone-id", ...]}` */
export type Departments = Record<string, string[]>;

export interface SalesRow {
  timestamp: string | number;
  zone?: string;
  department?: string;
  amount: number;
  items?: number;
  transaction: string;
}

export interface SalesImportResult {
  accepted: number;
  duplicates: number;
  /** The first refused rows, by line (the header is line 1). */
  rejected: { line: number; error: string }[];
  /** Every refused row, when more were refused than listed. */
  rejectedCount?: number;
}

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
export type Verdict = "increase" | "decrease" | "no clear change" | "too small to tell" | typeof NOT_COMPARABLE;

type ServerResult = Static<typeof ResultBody>;
type ServerZoneResult = ServerResult["zones"][number];
export type MetricResult = Omit<ServerZoneResult["metrics"][number], "metric" | "verdict"> & { metric: ExperimentMetricId; verdict: Verdict };
export type ExperimentResult = Omit<ServerResult, "zones"> & { zones: (Omit<ServerZoneResult, "metrics"> & { metrics: MetricResult[] })[] };

/** `GET /stores/:store/forecast`: expected visitors per hour (24h) or day (14d) with an 80 % interval. */
export type ForecastMethod = "mlp" | "seasonal-mean" | "recent-days" | "none";
export interface ForecastReport {
  store: string;
  zone: string | null;
  horizon: "24h" | "14d";
  bucket: "hour" | "day";
  timezone: string;
  generatedAt: string;
  interval: number;
  method: ForecastMethod;
  model: { state: "ready" | "training" | "failed" | "off"; trainedAt: string | null; trainMs: number | null; notes: string[] };
  buckets: { start: string; expected: number | null; low: number | null; high: number | null; method: ForecastMethod }[];
}
