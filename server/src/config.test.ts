import { describe, expect, it } from "vitest";
import { configFromEnv, LOG_LEVELS } from "./config.js";

describe("configFromEnv", () => {
  it("works with nothing set (the demo's defaults)", () => {
    const c = configFromEnv({});
    expect(c.httpPort).toBe(8080);
    expect(c.mqttUrl).toBeNull();
  });

  it("refuses a log level the logger does not know, naming the variable and the levels", () => {
    expect(() => configFromEnv({ FOOTFALL_LOG_LEVEL: "verbose" })).toThrow(/^FOOTFALL_LOG_LEVEL="verbose" must be one of trace, debug, info, warn, error/);
    expect(() => configFromEnv({ FOOTFALL_LOG_LEVEL: "INFO" })).toThrow(/FOOTFALL_LOG_LEVEL/);
    for (const level of LOG_LEVELS) expect(() => configFromEnv({ FOOTFALL_LOG_LEVEL: level })).not.toThrow();
    expect(() => configFromEnv({ FOOTFALL_LOG_LEVEL: "" })).not.toThrow();
  });

  it("refuses an external broker URL that is not one, with an example", () => {
    for (const bad of ["notaurl", "mosquitto:1883", "http://mosquitto:1883", "localhost"])
      expect(() => configFromEnv({ FOOTFALL_MQTT_URL: bad })).toThrow(new RegExp(`^FOOTFALL_MQTT_URL="${bad}" is not a broker URL: write e.g. mqtt://`));
    for (const good of ["mqtt://mosquitto:1883", "mqtts://broker.example.com:8883", "ws://localhost:9001", "tcp://10.0.0.1:1883"])
      expect(configFromEnv({ FOOTFALL_MQTT_URL: good }).mqttUrl).toBe(good);
  });
});
