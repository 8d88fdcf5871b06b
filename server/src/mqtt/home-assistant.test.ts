import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { discoveryMessages, haId } from "./home-assistant.js";
import { discoveryProblems } from "./ha-schema.js";

const zone = (id: string, kind: string, extra: object = {}) => ({ id, name: id[0]!.toUpperCase() + id.slice(1), kind, ...extra });
const ctx = {
  store: { id: "shop-1", name: "Main street" },
  layout: { zones: [zone("entrance", "entrance"), zone("fruit", "zone", { capacity: 5 }), zone("tills", "checkout"), zone("line", "queue", { queueFor: "tills" })] },
  rules: [
    { id: "busy", name: "Store busy", kind: "occupancy" as const },
    { id: "q.wait:1", kind: "queue-wait" as const, zone: "line" },
  ],
  version: "1.2.3",
} as unknown as Parameters<typeof discoveryMessages>[0];

describe("Home Assistant discovery", () => {
  it("gives a store one device with a sensor per zone, three per queue, a binary sensor per rule, all valid against the documented schema", () => {
    const m = discoveryMessages(ctx);
    expect([...m.keys()].sort()).toEqual(
      [
        "homeassistant/binary_sensor/footfall_shop-1/alert_busy/config",
        `homeassistant/binary_sensor/footfall_shop-1/alert_${haId("q.wait:1")}/config`,
        "homeassistant/sensor/footfall_shop-1/occupancy/config",
        "homeassistant/sensor/footfall_shop-1/queue_line_length/config",
        "homeassistant/sensor/footfall_shop-1/queue_line_wait/config",
        "homeassistant/sensor/footfall_shop-1/queue_line_tills/config",
        "homeassistant/sensor/footfall_shop-1/zone_entrance_occupancy/config",
        "homeassistant/sensor/footfall_shop-1/zone_fruit_occupancy/config",
        "homeassistant/sensor/footfall_shop-1/zone_tills_occupancy/config",
      ].sort(),
    );
    for (const [topic, payload] of m) expect(discoveryProblems(topic, payload), topic).toEqual([]);
    const fruit = JSON.parse(m.get("homeassistant/sensor/footfall_shop-1/zone_fruit_occupancy/config")!);
    expect(fruit).toEqual({
      name: "Fruit occupancy",
      state_topic: "footfall/v1/shop-1/zones/fruit/occupancy",
      value_template: "{{ value_json.occupancy }}",
      unit_of_measurement: "people",
      state_class: "measurement",
      icon: "mdi:account-group",
      unique_id: "footfall_shop-1_zone_fruit_occupancy",
      availability: [{ topic: "footfall/v1/availability", payload_available: "online", payload_not_available: "offline" }],
      device: { identifiers: ["footfall_shop-1"], name: "Footfall Main street", manufacturer: "Footfall", model: "Store", sw_version: "1.2.3" },
      origin: { name: "Footfall", sw_version: "1.2.3" },
    });
    const ids = [...m.values()].map((p) => JSON.parse(p).unique_id as string);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("names a queue's sensors after its zone without saying queue twice", () => {
    const names = (zoneName: string) => {
      const m = discoveryMessages({ ...ctx, layout: { zones: [{ ...zone("line", "queue", { queueFor: "tills" }), name: zoneName }] } } as typeof ctx);
      return [...m.entries()].filter(([t]) => t.includes("/queue_line_")).map(([, p]) => JSON.parse(p).name as string).sort();
    };
    expect(names("Line")).toEqual(["Line queue length", "Line queue wait", "Line tills open"].sort());
    // The demo store's queue zone.
    expect(names("Checkout queue")).toEqual(["Checkout queue length", "Checkout queue wait", "Checkout queue tills open"].sort());
    expect(names("Deli Queue")).toEqual(["Deli Queue length", "Deli Queue wait", "Deli Queue tills open"].sort());
    expect(names("Queueing area")).toEqual(["Queueing area queue length", "Queueing area queue wait", "Queueing area tills open"].sort());
  });

  it("makes ids with characters discovery topics refuse safe, without two colliding", () => {
    expect(haId("busy")).toBe("busy");
    expect(haId("q.wait:1")).toMatch(/^q_wait_1_[0-9a-f]{6}$/);
    expect(haId("q.wait:1")).not.toBe(haId("q_wait_1"));
  });

  it("has a schema that refuses what Home Assistant would not take or would ignore", () => {
    const good = JSON.parse(discoveryMessages(ctx).get("homeassistant/sensor/footfall_shop-1/occupancy/config")!);
    const check = (o: object, topic = "homeassistant/sensor/n/o/config") => discoveryProblems(topic, JSON.stringify(o));
    expect(check(good)).toEqual([]);
    expect(check({ ...good, state_clas: "measurement" })).not.toEqual([]); // a misspelt key
    expect(check({ ...good, state_class: "average" })).not.toEqual([]);
    expect(check({ ...good, device: { name: "x" } })).not.toEqual([]); // no identifiers
    expect(check({ ...good, state_topic: "footfall/v1/+/occupancy" })).not.toEqual([]);
    expect(check(good, "homeassistant/sensor/footfall.shop/o/config")).not.toEqual([]);
    expect(discoveryProblems("homeassistant/sensor/n/o/config", "")).toEqual([]); // removal
  });

  // Home Assistant renders the templates with Jinja2 and its own filters: here Jinja2 (Python's, as
  // Home Assistant's) with HA's `timestamp_custom` as it is written there (utc_from_timestamp, strftime).
  const jinja = spawnSync("python3", ["-c", "import jinja2"]).status === 0;
  it.skipIf(!jinja)("gives an alert's since and acknowledged at as ISO 8601 timestamps (UTC), and who acknowledged it", () => {
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
