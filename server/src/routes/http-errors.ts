import { ID_PATTERN, ID_RULE, isNamePattern, nameFlaw } from "@footfall/core";

/** An error Fastify turns into `{statusCode, error, message}`. */
export function httpError(statusCode: number, message: string): Error & { statusCode: number } {
  return Object.assign(new Error(message), { statusCode });
}

/** A schema error as Ajv reports it (the fields the message needs). */
export interface SchemaError {
  instancePath: string;
  keyword: string;
  message?: string | undefined;
  params: Record<string, unknown>;
  /** The value that failed (Ajv's `verbose` option, which app.ts sets). */
  data?: unknown;
}

/** A key the query string gives more than once arrives as an array; a schema that wants one value fails it with these keywords. */
const ONE_VALUE_KEYWORDS = new Set(["type", "const", "enum", "anyOf"]);

/**
 * The 400 message of a request that fails its schema, as Fastify words it (`querystring/limit must
 * be <= 500`, one clause per error) except that a field with a fixed set of values lists them:
 * `querystring/bucket must be one of "hour", "day"`, not "must be equal to one of the allowed
 * values"; the alternatives of an `anyOf` of constants are listed once, as one set; an id says
 * the rule for ids, not the regular expression; a query key given twice (`?from=a&from=b`) says so,
 * not "must be string".
 */
export function schemaErrorMessage(errors: readonly SchemaError[], dataVar: string): string {
  const repeated = (e: SchemaError) =>
    dataVar === "querystring" && Array.isArray(e.data) && e.data.length > 1 && /^\/[^/]+$/.test(e.instancePath) && ONE_VALUE_KEYWORDS.has(e.keyword) && e.params.type !== "array";
  const consts = new Map<string, unknown[]>();
  for (const e of errors)
    if (e.keyword === "const") (consts.get(e.instancePath) ?? consts.set(e.instancePath, []).get(e.instancePath)!).push(e.params.allowedValue);
  const clauses: string[] = [];
  const listed = new Set<string>();
  // A name that breaks the name rule (core names.ts) says which character and why, once: not the
  // regular expression, nor "must be null" and "must match a schema in anyOf" of a nullable name.
  const names = new Map<string, string>();
  for (const e of errors)
    if (e.keyword === "pattern" && isNamePattern(e.params.pattern) && typeof e.data === "string" && !names.has(e.instancePath)) {
      const flaw = nameFlaw(e.data);
      if (flaw) names.set(e.instancePath, flaw.flaw);
    }
  for (const [path, flaw] of names) clauses.push(`${dataVar}${path} ${flaw}`);
  const oneOf = (path: string, values: readonly unknown[]) => `${dataVar}${path} must be one of ${values.map((v) => JSON.stringify(v)).join(", ")}`;
  for (const e of errors) {
    if (names.has(e.instancePath)) continue;
    if (repeated(e)) {
      if (listed.has(e.instancePath)) continue;
      listed.add(e.instancePath);
      clauses.push(`${dataVar}${e.instancePath} is given ${(e.data as unknown[]).length} times: give it once`);
    } else if (e.keyword === "enum" && Array.isArray(e.params.allowedValues)) clauses.push(oneOf(e.instancePath, e.params.allowedValues));
    else if (e.keyword === "pattern" && e.params.pattern === ID_PATTERN) clauses.push(`${dataVar}${e.instancePath} is not an id: ${ID_RULE}`);
    else if (e.keyword === "const" || (e.keyword === "anyOf" && consts.has(e.instancePath))) {
      if (listed.has(e.instancePath)) continue;
      listed.add(e.instancePath);
      const values = consts.get(e.instancePath)!;
      clauses.push(values.length === 1 ? `${dataVar}${e.instancePath} must be ${JSON.stringify(values[0])}` : oneOf(e.instancePath, values));
    } else clauses.push(`${dataVar}${e.instancePath} ${e.message ?? "is not valid"}`);
  }
  return clauses.join(", ");
}

const sizeOf = (bytes: number) =>
  bytes % (1024 * 1024) === 0 ? `${bytes / (1024 * 1024)} MiB` : bytes % 1024 === 0 ? `${bytes / 1024} KiB` : `${bytes} bytes`;

/**
 * What to say instead of Fastify's bare refusal of a request body ("Request body is too large",
 * "Unsupported Media Type", "Body is not valid JSON ..."): what was wrong and what to send; null for
 * any other error (left as it is).
 */
export function bodyErrorMessage(
  code: string | undefined,
  req: { url: string; bodyLimit: number | undefined; contentType: string | undefined },
): string | null {
  const path = req.url.split("?")[0]!;
  const sales = /\/sales$/.test(path);
  const json = `send a JSON object with \`Content-Type: application/json\`${sales ? " (or CSV with `Content-Type: text/csv`)" : ""}`;
  switch (code) {
    case "FST_ERR_CTP_BODY_TOO_LARGE":
      return `the body is larger than the ${req.bodyLimit === undefined ? "limit" : sizeOf(req.bodyLimit)} this route takes: ${sales ? "split the file into several imports" : /\/layout$/.test(path) ? "use a smaller floor-plan image (or give its URL)" : "send less"}`;
    case "FST_ERR_CTP_INVALID_MEDIA_TYPE":
      return `this route does not take a body of type ${JSON.stringify(req.contentType ?? "")}: ${json}`;
    case "FST_ERR_CTP_INVALID_JSON_BODY":
      return `the body is not valid JSON, or holds a "__proto__" key or a "constructor" key with "prototype" in it (refused as unsafe): ${json}`;
    case "FST_ERR_CTP_EMPTY_JSON_BODY":
      return "the body is empty but its Content-Type says JSON: send a JSON object (`{}` for none), or no Content-Type";
    default:
      return null;
  }
}

/**
 * What to say instead of the router's refusals of a path, which quote the whole path back: one
 * segment over the router's 100 characters (414), or a percent-encoding that does not decode (400).
 */
export function frameworkErrorMessage(code: string | undefined): string | null {
  switch (code) {
    case "FST_ERR_MAX_PARAM_LENGTH":
      return "a part of the path is longer than 100 characters (ids are at most 64): check the URL";
    case "FST_ERR_BAD_URL":
      return "the path holds a %-escape that does not decode (like %zz, or a lone %): encode each part of it with encodeURIComponent";
    default:
      return null;
  }
}

/** What a 500 says instead of the error's own message: what happened, what to do, and the id that finds it in the server's log. */
export function internalErrorMessage(requestId: string): string {
  return `the server could not answer this request: an unexpected error, logged with request id ${requestId}. Try again; if it goes on, give that id to whoever runs the server`;
}
