/**
 * Shapes of the issue-5 routes (sales, conversion, funnels, experiments), as the server answers
 * them. Kept beside the client so the views type what they read.
 */

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

export interface StoreConversion {
  visitors: number;
  transactions: number;
  conversion: number | null;
  averageBasket: number | null;
  salesPerVisitor: number | null;
  staffRatio: number | null;
}

export interface ZoneConversion {
  zone: string;
  visits: number;
  transactions: number;
  sales: number;
  conversion: number | null;
  salesPerVisit: number | null;
  dwellMedian_s: number | null;
  longDwellLowConversion: boolean;
}

export interface ConversionReport {
  store: StoreConversion;
  zones: ZoneConversion[];
}

export interface FunnelStep {
  step: string;
  reached: number;
  dropOff: number;
  rate: number | null;
  stepRate: number | null;
}

export interface FunnelReport {
  steps: FunnelStep[];
  buckets?: { start: string; steps: FunnelStep[] }[];
}

export type FunnelBy = "none" | "hour" | "day";

export interface Period {
  from: number;
  to: number;
}

export interface ExperimentInput {
  name: string;
  testStores: string[];
  controlStores: string[];
  layoutVersion?: number | null;
  changeAt?: number;
  before: Period;
  after: Period;
  zones: string[];
}

export interface Experiment extends ExperimentInput {
  id: string;
  changeAt?: number;
  createdAt?: number;
}

export type ExperimentMetricId = "reach" | "visits" | "medianDwell" | "conversion";
export type Verdict = "increase" | "decrease" | "no clear change" | "too small to tell" | "not comparable";

export interface MetricResult {
  metric: ExperimentMetricId;
  before: number | null;
  after: number | null;
  change: number | null;
  interval: [number, number] | null;
  /**
   * The difference in differences against the control stores: its estimate and interval, or (as
   * the server's first version answers) just whether the verdict is net of control stores.
   */
  did: { estimate: number | null; interval: [number, number] | null } | boolean | null;
  verdict: Verdict;
  text: string;
  warning: string | null;
}

export interface ExperimentResult {
  experiment: Experiment;
  zones: { zone: string; metrics: MetricResult[] }[];
  warnings: string[];
  /** Trips of the test stores (and control stores) in each period. */
  trips?: { test: { before: number; after: number }; control: { before: number; after: number } | null };
  computedAt: number | string;
}

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
