import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type { Page } from "playwright-core";

const source = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: string[];
}

/**
 * axe-core's WCAG 2.1 A and AA checks (and its best practices) on the page as it is now: the
 * violations of at least `minImpact`. The engine is evaluated through the DevTools protocol, which
 * the page's Content-Security-Policy does not govern, so the app runs under its real policy.
 */
export async function axeViolations(page: Page, minImpact: "minor" | "moderate" | "serious" | "critical" = "serious"): Promise<AxeViolation[]> {
  await page.evaluate(source);
  const all = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(ctx: Document, opts: unknown): Promise<{ violations: { id: string; impact: string | null; help: string; nodes: { target: unknown[] }[] }[] }> } }).axe;
    const r = await axe.run(document, { resultTypes: ["violations"], runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"] } });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 5).map((n) => JSON.stringify(n.target)) }));
  });
  const order = ["minor", "moderate", "serious", "critical"];
  return all.filter((v) => order.indexOf(v.impact ?? "minor") >= order.indexOf(minImpact));
}
