/**
 * ECharts, imported piece by piece (bars, heatmap grid, Sankey, the forecast's line and band, on a canvas) to keep the bundle
 * small, behind one component that resizes with its box.
 */
import { useEffect, useRef } from "react";
import * as echarts from "echarts/core";
import { BarChart, HeatmapChart, LineChart, SankeyChart } from "echarts/charts";
import { GridComponent, LegendComponent, MarkAreaComponent, TooltipComponent, VisualMapComponent } from "echarts/components";
import { CanvasRenderer } from "echarts/renderers";
import type { EChartsCoreOption } from "echarts/core";

echarts.use([BarChart, HeatmapChart, LineChart, SankeyChart, GridComponent, LegendComponent, MarkAreaComponent, TooltipComponent, VisualMapComponent, CanvasRenderer]);

export const CHART_FONT = { fontFamily: 'Inter, ui-sans-serif, system-ui, "Liberation Sans", Arial, sans-serif', fontSize: 11, color: "#64748b" };

export default function EChart({ option, height, label, testId }: { option: EChartsCoreOption; height: number | string; label: string; testId?: string }) {
  const box = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);
  useEffect(() => {
    const el = box.current!;
    const c = echarts.init(el, undefined, { renderer: "canvas" });
    chart.current = c;
    const ro = new ResizeObserver(() => c.resize());
    ro.observe(el);
    return () => {
      ro.disconnect();
      c.dispose();
      chart.current = null;
    };
  }, []);
  useEffect(() => {
    chart.current?.setOption({ textStyle: CHART_FONT, animationDuration: 300, ...option }, { notMerge: true });
  }, [option]);
  return <div ref={box} role="img" aria-label={label} data-testid={testId} style={{ width: "100%", height }} />;
}
