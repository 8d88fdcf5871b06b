import { beforeAll, describe, expect, it } from "vitest";
import { useTestServer } from "../../../test/support/in-process.js";

/**
 * A mistyped filter or range parameter is refused, naming it and the parameters the route takes,
 * instead of left unread: `/dwell?zone=fruit` answered every zone's dwell, `/groups/g1/counts?store=shop`
 * every store of the group, `/overview?groups=g1` the whole chain, `/alerts?status=all` only the active
 * ones, `/traffic?buckets=day` hourly buckets, each a 200 as if asked for. The parameters each route
 * takes still answer 200 (DESIGN v1.1, input bounds: a 400 names the field).
 */
const t = useTestServer({ stores: ["shop"] });
type Err = { statusCode: number; message: string };

const HOUR = 3_600_000;
const to = Math.floor(Date.now() / HOUR) * HOUR;
const from = to - 24 * HOUR;
const range = `from=${from}&to=${to}`;
const day = new Date(to - 3 * 86_400_000).toISOString().slice(0, 10);
const ids = { hook: "", digest: "" };

/** [the route, a query with only the parameters it takes, a mistyped key and its value, the parameters named] */
const ROUTES: [string, string, string, string][] = [
  ["/api/v1/stores/shop/dwell", range, "zone=fruit", "from, to"],
  ["/api/v1/stores/shop/paths", `${range}&limit=5&alias=0`, "limt=5", "from, to, limit, alias"],
  ["/api/v1/stores/shop/traffic", `${range}&bucket=day&interval=1d`, "buckets=day", "from, to, bucket, interval"],
  ["/api/v1/stores/shop/occupancy", "", "zone=fruit", "none"],
  ["/api/v1/stores/shop/funnel", `${range}&steps=entrance,fruit&by=day&alias=0`, "per=day", "from, to, steps, by, alias"],
  ["/api/v1/stores/shop/conversion", range, "frm=0", "from, to"],
  ["/api/v1/stores/shop/queues/live", "", "queue=checkout", "none"],
  ["/api/v1/stores/shop/queues", range, "since=0", "from, to"],
  ["/api/v1/stores/shop/queues.csv", range, "start=0", "from, to"],
  ["/api/v1/stores/shop/counts", `${range}&interval=1d&bucket=day&format=csv`, "zone=fruit", "from, to, interval, bucket, format"],
  ["/api/v1/groups/g1/counts", `${range}&bucket=hour`, "store=shop", "from, to, interval, bucket, format"],
  ["/api/v1/overview", `${range}&group=g1&sort=name&order=desc`, "groups=g1", "from, to, group, store, sort, order"],
  ["/api/v1/stores/shop/alerts", `state=all&${range}&limit=5`, "status=all", "state, from, to, limit"],
  ["/api/v1/stores/shop/hours/open", range, "until=0", "from, to"],
  ["/api/v1/stores/shop/occupancy-drift", range, "days=7", "from, to"],
  ["/api/v1/stores/shop/sales/days", "days=30", "day=30", "days"],
  ["/api/v1/audit", `${range}&action=token.&store=shop&limit=5`, "actions=token.", "from, to, action, actor, target, store, before, limit"],
  ["/api/v1/stores/shop/audits", "agent=door-1&limit=5", "agentId=door-1", "agent, limit"],
  ["/api/v1/agents", "problems=1&offset=0&limit=5&store=shop", "problem=1", "problems, offset, limit, store"],
  ["/api/v1/stores/shop/layout", `at=${to}`, "version=1", "at"],
  ["/api/v1/digests/:digest/preview", `period=${day}`, "date=2026-01-01", "period"],
  ["/api/v1/stores/shop/webhooks/:hook/deliveries", "limit=5&before=9", "page=2", "limit, before"],
];
const urlOf = (route: string, query: string) => route.replace(":digest", ids.digest).replace(":hook", ids.hook) + (query ? `?${query}` : "");

describe("a query parameter a route does not take", () => {
  beforeAll(async () => {
    expect((await t.request("POST", "/api/v1/groups", { id: "g1", name: "Group one", stores: ["shop"] })).status).toBe(200);
    const hook = await t.request<{ webhook: { id: string } }>("POST", "/api/v1/stores/shop/webhooks", { url: "http://127.0.0.1:19100/hook" });
    ids.hook = hook.body.webhook.id;
    const digest = await t.request<{ id: string }>("POST", "/api/v1/digests", { scope: "store", target: "shop", frequency: "daily", recipients: ["manager@shop.example"], hour: 7 });
    ids.digest = digest.body.id;
  });

  it.each(ROUTES)("GET %s: the parameters it takes answer 200", async (route, query) => {
    const res = await t.get<Err>(urlOf(route, query));
    expect([res.status, res.status === 200 ? "" : res.body.message]).toEqual([200, ""]);
  });

  it.each(ROUTES)("GET %s: a mistyped one is a 400 naming it and those it takes, not an answer to something else", async (route, query, typo, takes) => {
    const res = await t.get<Err>(urlOf(route, query ? `${query}&${typo}` : typo));
    const key = typo.split("=")[0]!;
    expect([res.status, res.body.message]).toEqual([
      400,
      `querystring/${key} is not a parameter of this route: it takes ${takes} (a parameter it does not take would be left unread, and the answer not the one asked for)`,
    ]);
  });
});
