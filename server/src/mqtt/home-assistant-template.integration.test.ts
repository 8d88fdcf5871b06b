import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { discoveryMessages } from "./home-assistant.js";

// Home Assistant renders the templates of the discovery configs with Jinja2 (Python's) and filters of
// its own: here Jinja2 with HA's `timestamp_custom` as Home Assistant writes it (utc_from_timestamp,
// strftime). Python 3 with Jinja2 is a test tool like mosquitto: missing, the test fails saying how to
// install it (.ci/run installs python3-jinja2), never skips.
const INSTALL = "sudo apt-get update && sudo apt-get install -y python3 python3-jinja2";

function requireJinja(): void {
  const probe = spawnSync("python3", ["-c", "import jinja2"], { encoding: "utf8" });
  if (probe.status !== 0) throw new Error(`The Home Assistant template test needs Python 3 with Jinja2 (${probe.error?.message ?? probe.stderr.trim()}). Install it with:\n\n    ${INSTALL}\n\n(.ci/run installs it on CI.)`);
}

const ctx = {
  store: { id: "shop-1", name: "Main street" },
  layout: { zones: [{ id: "entrance", name: "Entrance", kind: "entrance" }] },
  rules: [{ id: "busy", name: "Store busy", kind: "occupancy" as const }],
  version: "1.2.3",
} as unknown as Parameters<typeof discoveryMessages>[0];

describe("Home Assistant templates, rendered by Jinja2", () => {
  it("gives an alert's since and acknowledged at as ISO 8601 timestamps (UTC), and who acknowledged it", () => {
    requireJinja();
    const m = discoveryMessages(ctx);
    const config = JSON.parse(m.get("homeassistant/binary_sensor/footfall_shop-1/alert_busy/config")!) as { json_attributes_template: string };
    const render = (value: unknown) => {
      const py = [
        "import sys, json, datetime, jinja2",
        "def timestamp_custom(value, fmt, local=True):",
        "    return datetime.datetime.fromtimestamp(value, datetime.timezone.utc).strftime(fmt)",
        "env = jinja2.Environment()",
        "env.filters['timestamp_custom'] = timestamp_custom",
        "print(env.from_string(sys.argv[1]).render(value_json=json.loads(sys.argv[2])))",
      ].join("\n");
      const r = spawnSync("python3", ["-c", py, config.json_attributes_template, JSON.stringify(value)], { encoding: "utf8" });
      expect(r.stderr).toBe("");
      return JSON.parse(r.stdout) as Record<string, unknown>;
    };
    const since = Date.UTC(2026, 11, 5, 13, 4, 5, 678);
    const alert = { id: "a1", ruleId: "busy", store: "shop-1", kind: "occupancy", state: "acknowledged", since, firedAt: since, acknowledgedBy: "Sam", acknowledgedAt: since + 60_000, value: 190, message: "Store busy" };
    expect(render({ rule: "busy", active: "ON", state: "acknowledged", at: since + 60_000, alert })).toEqual({
      state: "acknowledged",
      since: "2026-12-05T13:04:05+00:00",
      message: "Store busy",
      acknowledged_by: "Sam",
      acknowledged_at: "2026-12-05T13:05:05+00:00",
    });
    const firing = { ...alert, state: "firing", acknowledgedBy: undefined, acknowledgedAt: undefined };
    expect(render({ rule: "busy", active: "ON", state: "firing", at: since, alert: firing })).toEqual({ state: "firing", since: "2026-12-05T13:04:05+00:00", message: "Store busy", acknowledged_by: null, acknowledged_at: null });
    // No alert (the rule's state at start, or resolved and gone): every attribute null, no template error.
    expect(render({ rule: "busy", active: "OFF", state: "none", at: since })).toEqual({ state: "none", since: null, message: null, acknowledged_by: null, acknowledged_at: null });
  });
});
