import { describe, expect, it } from "vitest";
import { discoveryMessages, haId, NOT_COUNTED_TEMPLATE } from "./home-assistant.js";
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
      // Unavailable while the server is, or while nobody counts the zone (its state's offlineSince).
      availability: [
        { topic: "footfall/v1/availability", payload_available: "online", payload_not_available: "offline" },
        { topic: "footfall/v1/shop-1/zones/fruit/occupancy", value_template: NOT_COUNTED_TEMPLATE, payload_available: "online", payload_not_available: "offline" },
      ],
      availability_mode: "all",
      device: { identifiers: ["footfall_shop-1"], name: "Footfall Main street", manufacturer: "Footfall", model: "Store", sw_version: "1.2.3" },
      origin: { name: "Footfall", sw_version: "1.2.3" },
    });
    // A queue's three sensors follow its state topic; the store's total and the alerts the server alone.
    for (const q of ["length", "wait", "tills"]) {
      const c = JSON.parse(m.get(`homeassistant/sensor/footfall_shop-1/queue_line_${q}/config`)!);
      expect(c.availability_mode).toBe("all");
      expect(c.availability[1]).toEqual({ topic: "footfall/v1/shop-1/queues/line", value_template: NOT_COUNTED_TEMPLATE, payload_available: "online", payload_not_available: "offline" });
    }
    expect(JSON.parse(m.get("homeassistant/sensor/footfall_shop-1/occupancy/config")!).availability).toHaveLength(1);
    expect(JSON.parse(m.get("homeassistant/binary_sensor/footfall_shop-1/alert_busy/config")!).availability).toHaveLength(1);
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

  it("writes out the control characters and bidi overrides of names saved before names were checked, so each entity name is one line read in order", () => {
    const old = {
      ...ctx,
      store: { id: "shop-1", name: "Main\u001b[2J street" },
      layout: { zones: [{ ...zone("fruit", "zone"), name: "Fruit\nveg" }, { ...zone("line", "queue", { queueFor: "tills" }), name: "Line\u202e" }, zone("tills", "checkout")] },
      rules: [{ id: "busy", name: "Busy\u0007", kind: "occupancy" as const }],
    } as unknown as typeof ctx;
    const configs = [...discoveryMessages(old).values()].map((p) => JSON.parse(p) as { name: string; device: { name: string } });
    const names = configs.map((c) => c.name);
    expect(names).toEqual(expect.arrayContaining(["Fruit\\u{a}veg occupancy", "Line\\u{202e} queue length", "Alert Busy\\u{7}"]));
    expect(configs[0]!.device.name).toBe("Footfall Main\\u{1b}[2J street");
    // eslint-disable-next-line no-control-regex -- what must not be left
    for (const n of [...names, configs[0]!.device.name]) expect(n).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
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
});
