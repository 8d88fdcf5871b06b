import { describe, expect, it } from "vitest";
import { ConfigError, configFromEnv, haDiscoveryPrefix, ignoredSettings, LOG_LEVELS } from "./config.js";
import { publicUrl } from "./digests/links.js";

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

  it("refuses a database URL that is not postgres:// at once, its password hidden, as a setting to fix (ConfigError: the CLI's exit 2)", () => {
    const bad = () => configFromEnv({ FOOTFALL_DATABASE_URL: "mysql://footfall:secret@db/footfall" });
    expect(bad).toThrow(new ConfigError('FOOTFALL_DATABASE_URL must be a postgres:// URL (postgres://user:password@host:5432/footfall), not "mysql://footfall:***@db/footfall"'));
    expect(bad).toThrow(ConfigError);
    expect(() => configFromEnv({ FOOTFALL_HTTP_PORT: "80800" })).toThrow(ConfigError);
    expect(configFromEnv({ FOOTFALL_DATABASE_URL: "postgresql://footfall@db/footfall" }).databaseUrl).toBe("postgresql://footfall@db/footfall");
    expect(configFromEnv({ FOOTFALL_DATABASE_URL: "" }).databaseUrl).toBeNull();
  });

  it("refuses an external broker URL that is not one, with an example", () => {
    for (const bad of ["notaurl", "mosquitto:1883", "http://mosquitto:1883", "localhost"])
      expect(() => configFromEnv({ FOOTFALL_MQTT_URL: bad })).toThrow(new RegExp(`^FOOTFALL_MQTT_URL="${bad}" is not a broker URL: write e.g. mqtt://`));
    for (const good of ["mqtt://mosquitto:1883", "mqtts://broker.example.com:8883", "ws://localhost:9001", "tcp://10.0.0.1:1883"])
      expect(configFromEnv({ FOOTFALL_MQTT_URL: good }).mqttUrl).toBe(good);
  });

  it("refuses a switch that is not on or off, a digest setting out of range and a mail server URL that is not SMTP, instead of a default taken silently", () => {
    for (const name of ["FOOTFALL_MQTT_PUBLISH", "FOOTFALL_HA_DISCOVERY", "FOOTFALL_OVERVIEW_WARM"]) {
      for (const bad of ["false", "0", "no", "OFF"]) expect(() => configFromEnv({ [name]: bad })).toThrow(`${name}="${bad}" must be "on" or "off" (on when unset)`);
      for (const good of ["on", "off", ""]) expect(() => configFromEnv({ [name]: good })).not.toThrow();
    }
    expect(() => configFromEnv({ FOOTFALL_DIGEST_CHECK_MS: "1m" })).toThrow('FOOTFALL_DIGEST_CHECK_MS="1m" must be an integer between 1000 and 86400000');
    expect(() => configFromEnv({ FOOTFALL_DIGEST_ATTEMPTS: "99" })).toThrow('FOOTFALL_DIGEST_ATTEMPTS="99" must be an integer between 1 and 20');
    expect(() => configFromEnv({ FOOTFALL_DIGEST_ATTEMPTS: "3", FOOTFALL_DIGEST_CHECK_MS: "5000" })).not.toThrow();
    // The URL holds a password: the message does not repeat it.
    for (const bad of ["mail.example.com:587", "http://user:secret@mail.example.com", "notaurl"]) {
      expect(() => configFromEnv({ FOOTFALL_SMTP_URL: bad })).toThrow(/^FOOTFALL_SMTP_URL is not an smtp:\/\/ or smtps:\/\/ URL: write e.g. smtp:\/\/user:password@mail.example.com:587/);
      expect(() => configFromEnv({ FOOTFALL_SMTP_URL: bad })).not.toThrow(/secret/);
    }
    for (const good of ["smtp://user:pass@mail.example.com:587", "smtps://mail.example.com", "smtp://127.0.0.1:2525"]) expect(() => configFromEnv({ FOOTFALL_SMTP_URL: good })).not.toThrow();
  });

  it("refuses a public URL (the digests' links into the UI) that is not http(s), and takes one behind a proxy's path", () => {
    for (const bad of ["footfall.example.com", "ftp://footfall.example.com/"]) {
      expect(() => configFromEnv({ FOOTFALL_PUBLIC_URL: bad })).toThrow(ConfigError);
      expect(() => configFromEnv({ FOOTFALL_PUBLIC_URL: bad })).toThrow(/^FOOTFALL_PUBLIC_URL=".*" is not an http:\/\/ or https:\/\/ URL: write the address people open the UI at/);
    }
    expect(() => configFromEnv({ FOOTFALL_PUBLIC_URL: "https://footfall.example.com/ops" })).not.toThrow();
    expect(publicUrl({ FOOTFALL_PUBLIC_URL: "https://footfall.example.com/ops" })).toBe("https://footfall.example.com/ops/");
    expect(publicUrl({ FOOTFALL_HTTP_PORT: "8081" })).toMatch(/^http:\/\/[^/]+:8081\/$/);
  });

  it("refuses a Home Assistant discovery prefix holding an MQTT wildcard, which made the broker cut the server's link (and its ingest) every second", () => {
    for (const bad of ["homeassistant/+", "ha/#", "#", "home\u0000assistant"])
      expect(() => configFromEnv({ FOOTFALL_HA_DISCOVERY_PREFIX: bad })).toThrow(
        `FOOTFALL_HA_DISCOVERY_PREFIX=${JSON.stringify(bad)} holds an MQTT wildcard (+ or #) or a NUL: it starts the topics the server publishes Home Assistant's configs on, and a broker disconnects a client publishing to such a topic. Give the discovery prefix set in Home Assistant's MQTT options (homeassistant when unset)`,
      );
    for (const good of ["homeassistant", "site-1/homeassistant", "/ha", ""]) expect(() => configFromEnv({ FOOTFALL_HA_DISCOVERY_PREFIX: good })).not.toThrow();
    expect(haDiscoveryPrefix({})).toBe("homeassistant");
    expect(haDiscoveryPrefix({ FOOTFALL_HA_DISCOVERY_PREFIX: "" })).toBe("homeassistant");
    expect(haDiscoveryPrefix({ FOOTFALL_HA_DISCOVERY_PREFIX: "site-1/homeassistant" })).toBe("site-1/homeassistant");
  });
});

describe("ignoredSettings", () => {
  const sqlite = { databaseUrl: null, mqttUrl: null, dataDir: "/var/lib/footfall" };
  it("names a chain's settings set on a server alone, and says what they need", () => {
    expect(ignoredSettings({ FOOTFALL_CHAIN_STALL_S: "1" }, sqlite)).toEqual({
      variables: ["FOOTFALL_CHAIN_STALL_S"],
      message:
        "FOOTFALL_CHAIN_STALL_S applies only to a chain's server (FOOTFALL_DATABASE_URL and FOOTFALL_MQTT_URL both set): this server (SQLite in /var/lib/footfall, the embedded broker) ignores it",
    });
  });
  it("on PostgreSQL with the embedded broker, names the chain's settings but not PostgreSQL's", () => {
    const env = { FOOTFALL_SERVER_ID: "srv-1", FOOTFALL_PG_HTTP_POOL: "2" };
    expect(ignoredSettings(env, { ...sqlite, databaseUrl: "postgres://db/footfall" })?.variables).toEqual(["FOOTFALL_SERVER_ID"]);
  });
  it("says nothing on a chain's server, or when they are unset or empty", () => {
    const env = { FOOTFALL_SHARDS: "8", FOOTFALL_CHAIN_STALL_S: "30", FOOTFALL_PG_TURN_MS: "4" };
    expect(ignoredSettings(env, { ...sqlite, databaseUrl: "postgres://db/footfall", mqttUrl: "mqtt://broker:1883" })).toBeNull();
    expect(ignoredSettings({ FOOTFALL_SHARDS: "" }, sqlite)).toBeNull();
  });
});
