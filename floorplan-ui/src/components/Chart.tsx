import { lazy, Suspense } from "react";
import type { EChartsCoreOption } from "echarts/core";

// ECharts is the largest dependency: it loads on its own, after the plan is on screen.
const EChart = lazy(() => import("./EChart.js"));

export interface ChartProps {
  option: EChartsCoreOption;
  height: number;
  label: string;
  testId?: string;
}

/** A chart, with a placeholder of its size while ECharts loads. */
export function Chart(props: ChartProps) {
  return (
    <Suspense fallback={<div className="skeleton" style={{ height: props.height }} aria-label="Loading chart" />}>
      <EChart {...props} />
    </Suspense>
  );
}
