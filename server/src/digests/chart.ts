/**
 * The digest's chart: enters per hour (daily) or per day (weekly), this period as bars and the
 * period before as a grey step line, built as SVG and rendered to PNG by resvg (Rust, a prebuilt
 * binary from npm; system fonts, DejaVu or whatever the host has, for the labels).
 */
import { Resvg } from "@resvg/resvg-js";
import { shownName } from "@footfall/core";

export interface ChartInput {
  title: string;
  labels: string[];
  now: number[];
  before: number[];
  nowLabel: string;
  beforeLabel: string;
}

/** `s` as SVG text: XML's escapes, and a name's control characters written out (core shownName), which XML may not hold at all (resvg refused the whole chart). */
const esc = (s: string) => shownName(s).replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]!);

/** A round axis maximum at or above `v` (1, 2, 5 x 10^n). */
export function niceMax(v: number): number {
  if (v <= 0) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 5, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}

export function chartSvg(c: ChartInput, width = 640, height = 300): string {
  const left = 48;
  const right = 16;
  const top = 40;
  const bottom = 44;
  const w = width - left - right;
  const h = height - top - bottom;
  const n = Math.max(c.labels.length, 1);
  const max = niceMax(Math.max(1, ...c.now, ...c.before));
  const x = (i: number) => left + (i * w) / n;
  const y = (v: number) => top + h - (v / max) * h;
  const bw = (w / n) * 0.7;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="DejaVu Sans, Inter, Arial, sans-serif">`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="${left}" y="22" font-size="15" font-weight="bold" fill="#1f2933">${esc(c.title)}</text>`,
  ];
  for (const f of [0, 0.5, 1]) {
    parts.push(`<line x1="${left}" x2="${left + w}" y1="${y(max * f)}" y2="${y(max * f)}" stroke="#d9dee3" stroke-width="1"/>`);
    parts.push(`<text x="${left - 6}" y="${y(max * f) + 4}" font-size="11" text-anchor="end" fill="#52606d">${Math.round(max * f)}</text>`);
  }
  c.now.forEach((v, i) => {
    parts.push(`<rect x="${x(i) + (w / n - bw) / 2}" y="${y(v)}" width="${bw}" height="${y(0) - y(v)}" fill="#2f6fde"/>`);
  });
  if (c.before.length) {
    const pts = c.before.flatMap((v, i) => [`${x(i)},${y(v)}`, `${x(i + 1)},${y(v)}`]).join(" ");
    parts.push(`<polyline points="${pts}" fill="none" stroke="#7b8794" stroke-width="2" stroke-dasharray="5 3"/>`);
  }
  const every = Math.ceil(n / 12);
  c.labels.forEach((l, i) => {
    if (i % every === 0) parts.push(`<text x="${x(i) + w / n / 2}" y="${top + h + 16}" font-size="11" text-anchor="middle" fill="#52606d">${esc(l)}</text>`);
  });
  const ly = height - 10;
  parts.push(`<rect x="${left}" y="${ly - 10}" width="12" height="10" fill="#2f6fde"/>`);
  parts.push(`<text x="${left + 18}" y="${ly}" font-size="11" fill="#1f2933">${esc(c.nowLabel)}</text>`);
  parts.push(`<line x1="${left + 200}" x2="${left + 222}" y1="${ly - 5}" y2="${ly - 5}" stroke="#7b8794" stroke-width="2" stroke-dasharray="5 3"/>`);
  parts.push(`<text x="${left + 228}" y="${ly}" font-size="11" fill="#1f2933">${esc(c.beforeLabel)}</text>`);
  parts.push("</svg>");
  return parts.join("\n");
}

/** The chart as PNG bytes. */
export function chartPng(c: ChartInput): Buffer {
  const r = new Resvg(chartSvg(c), { font: { loadSystemFonts: true, defaultFontFamily: "DejaVu Sans" }, fitTo: { mode: "zoom", value: 2 } });
  return r.render().asPng();
}
