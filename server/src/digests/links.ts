/**
 * Links from a digest into the UI (README "Digests"): each store's Report of the digest's period, and
 * the chain view of the same hours (a group's digest: filtered to the group), so an area manager
 * reading a figure can open the page that shows it. The UI is served by the server at its public
 * address, FOOTFALL_PUBLIC_URL (default: http://<host name>:<FOOTFALL_HTTP_PORT>/).
 */
import { hostname } from "node:os";
import { localMidnight } from "@footfall/core";
import { localDate, type Period } from "./schedule.js";
import { isHttpUrl, parseUrl } from "../urls.js";

/**
 * The address people open the UI at, ending with "/": FOOTFALL_PUBLIC_URL (e.g. https://footfall.example.com/,
 * behind a proxy), else this host's name and FOOTFALL_HTTP_PORT. A value that is not an http(s) URL is an error (config.ts).
 */
export function publicUrl(env: NodeJS.ProcessEnv = process.env): string {
  const raw = env.FOOTFALL_PUBLIC_URL;
  if (raw) {
    const u = new URL(raw);
    u.hash = "";
    u.search = "";
    if (!u.pathname.endsWith("/")) u.pathname += "/";
    return u.toString();
  }
  return `http://${hostname()}:${env.FOOTFALL_HTTP_PORT || "8080"}/`;
}

/** Why FOOTFALL_PUBLIC_URL cannot be used, or null (unset, or an http(s) URL). */
export function publicUrlProblem(env: NodeJS.ProcessEnv): string | null {
  const raw = env.FOOTFALL_PUBLIC_URL;
  if (!raw) return null;
  return isHttpUrl(parseUrl(raw))
    ? null
    : `FOOTFALL_PUBLIC_URL="${raw}" is not an http:// or https:// URL: write the address people open the UI at (e.g. https://footfall.example.com/), or unset it`;
}

export interface DigestLinks {
  /** The chain view of the period's hours (a group's digest: the group only). */
  chain: string;
  /** Each store's Report of the period, by store id. */
  stores: Record<string, string>;
}

/**
 * The digest's links: a store's Report of the period by its days (`from`/`to` dates, in the store's zone: its previous
 * period is then the day or week before, as the digest's) when the store keeps the digest's clock, else by its instants;
 * the chain view by the period's instants (`from`/`to` epoch ms, whole hours as the overview asks).
 */
export function digestLinks(
  base: string,
  d: { scope: "store" | "group"; target: string },
  period: Pick<Period, "from" | "to">,
  timeZone: string,
  stores: readonly { id: string; timeZone: string | null }[],
): DigestLinks {
  const lastDay = localDate(localMidnight(period.to - 1, timeZone), timeZone);
  const byDays = new URLSearchParams({ from: localDate(period.from, timeZone), to: lastDay }).toString();
  const byInstants = new URLSearchParams({ from: String(period.from), to: String(period.to) }).toString();
  const out: Record<string, string> = {};
  for (const s of stores) out[s.id] = `${base}#/report/${encodeURIComponent(s.id)}?${sameClock(s.timeZone, timeZone, period) ? byDays : byInstants}`;
  const chainParams = new URLSearchParams({ from: String(period.from), to: String(period.to) });
  if (d.scope === "group") chainParams.set("group", d.target);
  return { chain: `${base}#/chain?${chainParams.toString()}`, stores: out };
}

/** Whether the store's days over the period are the digest's (the same zone, or one whose midnights are the same instants). */
function sameClock(storeZone: string | null, timeZone: string, period: Pick<Period, "from" | "to">): boolean {
  if (storeZone === null || storeZone === timeZone) return true;
  try {
    return localMidnight(period.from, storeZone) === period.from && localMidnight(period.to, storeZone) === period.to;
  } catch {
    return false;
  }
}
