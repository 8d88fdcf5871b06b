import { describe, expect, it } from "vitest";
import { ID_PATTERN, ID_RULE } from "@footfall/core";
import { bodyErrorMessage, frameworkErrorMessage, schemaErrorMessage } from "./http-errors.js";

describe("schemaErrorMessage", () => {
  it("words an error as Fastify does, but lists the values of a field with a fixed set", () => {
    expect(schemaErrorMessage([{ instancePath: "/limit", keyword: "maximum", message: "must be <= 500", params: { limit: 500 } }], "querystring")).toBe(
      "querystring/limit must be <= 500",
    );
    expect(
      schemaErrorMessage(
        [{ instancePath: "/bucket", keyword: "enum", message: "must be equal to one of the allowed values", params: { allowedValues: ["hour", "day"] } }],
        "querystring",
      ),
    ).toBe('querystring/bucket must be one of "hour", "day"');
    expect(schemaErrorMessage([{ instancePath: "", keyword: "required", message: "must have required property 'name'", params: {} }], "body")).toBe(
      "body must have required property 'name'",
    );
  });

  it("lists the constants of an anyOf once, as one set, and a lone constant as itself", () => {
    const anyOf = [
      { instancePath: "/horizon", keyword: "const", message: "must be equal to constant", params: { allowedValue: "24h" } },
      { instancePath: "/horizon", keyword: "const", message: "must be equal to constant", params: { allowedValue: "14d" } },
      { instancePath: "/horizon", keyword: "anyOf", message: "must match a schema in anyOf", params: {} },
    ];
    expect(schemaErrorMessage(anyOf, "querystring")).toBe('querystring/horizon must be one of "24h", "14d"');
    expect(schemaErrorMessage([{ instancePath: "/v", keyword: "const", message: "must be equal to constant", params: { allowedValue: 1 } }], "body")).toBe(
      "body/v must be 1",
    );
  });

  it("says the rule for ids, not the regular expression", () => {
    expect(
      schemaErrorMessage(
        [{ instancePath: "/store", keyword: "pattern", message: `must match pattern "${ID_PATTERN}"`, params: { pattern: ID_PATTERN } }],
        "params",
      ),
    ).toBe(`params/store is not an id: ${ID_RULE}`);
    expect(
      schemaErrorMessage(
        [{ instancePath: "/actor", keyword: "pattern", message: 'must match pattern "^[0-9a-f]{12}$"', params: { pattern: "^[0-9a-f]{12}$" } }],
        "querystring",
      ),
    ).toBe('querystring/actor must match pattern "^[0-9a-f]{12}$"');
  });

  it("says a query key given more than once was, and to give it once (not Ajv's 'must be string')", () => {
    expect(
      schemaErrorMessage([{ instancePath: "/from", keyword: "type", message: "must be string", params: { type: "string" }, data: ["2026-11-20", "2026-11-21"] }], "querystring"),
    ).toBe("querystring/from is given 2 times: give it once");
    const anyOf = ["24h", "14d"].map((v) => ({ instancePath: "/horizon", keyword: "const", message: "must be equal to constant", params: { allowedValue: v }, data: ["24h", "24h", "14d"] }));
    expect(schemaErrorMessage([...anyOf, { instancePath: "/horizon", keyword: "anyOf", message: "must match a schema in anyOf", params: {}, data: ["24h", "24h", "14d"] }], "querystring")).toBe(
      "querystring/horizon is given 3 times: give it once",
    );
    // A body's array where one value belongs is the body's shape, worded as Ajv does.
    expect(schemaErrorMessage([{ instancePath: "/name", keyword: "type", message: "must be string", params: { type: "string" }, data: ["a", "b"] }], "body")).toBe("body/name must be string");
  });

  it("keeps an anyOf of other alternatives as Fastify words it", () => {
    const errors = [
      { instancePath: "/hours", keyword: "type", message: "must be object", params: {} },
      { instancePath: "/hours", keyword: "anyOf", message: "must match a schema in anyOf", params: {} },
    ];
    expect(schemaErrorMessage(errors, "body")).toBe("body/hours must be object, body/hours must match a schema in anyOf");
  });
});

describe("bodyErrorMessage", () => {
  const req = (url: string, bodyLimit?: number, contentType?: string) => ({ url, bodyLimit, contentType });
  it("says the route's limit and what to do about it", () => {
    expect(bodyErrorMessage("FST_ERR_CTP_BODY_TOO_LARGE", req("/api/v1/experiments?x=1", 1024 * 1024))).toBe(
      "the body is larger than the 1 MiB this route takes: send less",
    );
    expect(bodyErrorMessage("FST_ERR_CTP_BODY_TOO_LARGE", req("/api/v1/stores/s/layout", 4 * 1024 * 1024))).toMatch(/4 MiB .*smaller floor-plan image/);
    expect(bodyErrorMessage("FST_ERR_CTP_BODY_TOO_LARGE", req("/api/v1/stores/s/sales", 5 * 1024 * 1024))).toMatch(/5 MiB .*split the file/);
    expect(bodyErrorMessage("FST_ERR_CTP_BODY_TOO_LARGE", req("/x", 1500))).toContain("the 1500 bytes this route takes");
  });

  it("names the type refused and the one to send (CSV too for sales)", () => {
    expect(bodyErrorMessage("FST_ERR_CTP_INVALID_MEDIA_TYPE", req("/api/v1/groups", undefined, "text/xml"))).toBe(
      'this route does not take a body of type "text/xml": send a JSON object with `Content-Type: application/json`',
    );
    expect(bodyErrorMessage("FST_ERR_CTP_INVALID_MEDIA_TYPE", req("/api/v1/stores/s/sales", undefined, "text/xml"))).toContain(
      "or CSV with `Content-Type: text/csv`",
    );
  });

  it("leaves any other error alone", () => {
    expect(bodyErrorMessage("FST_ERR_VALIDATION", req("/x"))).toBeNull();
    expect(bodyErrorMessage(undefined, req("/x"))).toBeNull();
  });
});

describe("frameworkErrorMessage", () => {
  it("words the router's refusals of a path without quoting it back", () => {
    expect(frameworkErrorMessage("FST_ERR_MAX_PARAM_LENGTH")).toMatch(/longer than 100 characters \(ids are at most 64\)/);
    expect(frameworkErrorMessage("FST_ERR_BAD_URL")).toMatch(/does not decode .*encodeURIComponent/);
    expect(frameworkErrorMessage("FST_ERR_ASYNC_CONSTRAINT")).toBeNull();
  });
});
