import type { Registry } from "prom-client";

export interface FastHistogramOptions {
  name: string;
  help: string;
  buckets: readonly number[];
  registers: Registry[];
}

/**
 * A Prometheus histogram without labels whose `observe` allocates nothing: ingest observes every
 * accepted event's lag, and prom-client's `Histogram.observe` builds label objects and a closure
 * per call (~2 % of the server's CPU at 100 events a message). It exposes exactly what
 * prom-client's `Histogram` does for the same values (the same `get()` data, so the same text).
 */
export class FastHistogram {
  readonly name: string;
  readonly help: string;
  readonly type = "histogram" as const;
  readonly aggregator = "sum" as const;
  private readonly bounds: number[];
  private counts: number[];
  private sum = 0;
  private count = 0;

  constructor(o: FastHistogramOptions) {
    this.name = o.name;
    this.help = o.help;
    this.bounds = [...o.buckets].sort((a, b) => a - b);
    this.counts = this.bounds.map(() => 0);
    for (const r of o.registers) r.registerMetric(this as never);
  }

  /** Count one value (a non-finite one throws, as prom-client's does). */
  observe(value: number): void {
    if (!Number.isFinite(value)) throw new TypeError(`Value is not a valid number: ${value}`);
    const b = this.bounds;
    for (let i = 0; i < b.length; i++) {
      if (value <= b[i]!) {
        this.counts[i]!++;
        break;
      }
    }
    this.sum += value;
    this.count++;
  }

  reset(): void {
    this.counts = this.bounds.map(() => 0);
    this.sum = 0;
    this.count = 0;
  }

  get() {
    let acc = 0;
    const bucket = `${this.name}_bucket`;
    const values: { labels: Record<string, string | number>; value: number; metricName: string }[] = this.bounds.map((le, i) => ({
      labels: { le },
      value: (acc += this.counts[i]!),
      metricName: bucket,
    }));
    values.push(
      { labels: { le: "+Inf" }, value: this.count, metricName: bucket },
      { labels: {}, value: this.sum, metricName: `${this.name}_sum` },
      { labels: {}, value: this.count, metricName: `${this.name}_count` },
    );
    return Promise.resolve({ name: this.name, help: this.help, type: this.type, values, aggregator: this.aggregator });
  }
}
