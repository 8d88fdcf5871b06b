import type { Static, TSchema } from "@sinclair/typebox";
import { Value, ValueErrorType, type ValueError } from "@sinclair/typebox/value";
import { ID_PATTERN, ID_RULE } from "@footfall/core";

/** A value with defaults filled, and every problem found (empty when valid). */
export interface Checked<T> {
  value: T;
  problems: string[];
}

function describe(error: ValueError): string {
  const schema = error.schema as TSchema & { pattern?: string; anyOf?: Array<{ const?: unknown }>; properties?: Record<string, unknown> };
  switch (error.type) {
    case ValueErrorType.ObjectRequiredProperty:
      return "is required" + (schema.description ? ` (${schema.description})` : "");
    case ValueErrorType.ObjectAdditionalProperties: {
      const key = error.path.split("/").pop() ?? "";
      return `unknown key "${key}": check its spelling or remove it`;
    }
    case ValueErrorType.StringPattern:
      if (schema.pattern === ID_PATTERN) return `"${String(error.value)}" is not an id: ${ID_RULE}`;
      return `"${String(error.value)}" does not match ${schema.pattern}`;
    case ValueErrorType.Union: {
      const options = schema.anyOf?.map((s) => s.const).filter((c) => c !== undefined);
      if (options && options.length > 0) return `${JSON.stringify(error.value)} is not one of ${options.map((o) => JSON.stringify(o)).join(", ")}`;
      return error.message;
    }
    default:
      return `${error.message}, got ${JSON.stringify(error.value)}`;
  }
}

/**
 * Fill `schema`'s defaults into a copy of `input`, then list every problem as `path: what is wrong`,
 * one per path (the first, most useful one), with paths prefixed by `prefix` (e.g. `/settings`).
 */
export function checkValue<S extends TSchema>(schema: S, input: unknown, prefix = ""): Checked<Static<S>> {
  const value = Value.Default(schema, Value.Clone(input)) as Static<S>;
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const error of Value.Errors(schema, value)) {
    if (seen.has(error.path)) continue;
    seen.add(error.path);
    problems.push(`${prefix}${error.path || "/"}: ${describe(error)}`);
  }
  return { value, problems };
}
