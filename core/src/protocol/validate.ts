import type { Static, TSchema } from "@sinclair/typebox";
import { TypeCompiler } from "@sinclair/typebox/compiler";
import { Value } from "@sinclair/typebox/value";
import { jsonTooDeep } from "./bounds.js";
import { LIMITS } from "./limits.js";
import { isNamePattern, nameFlaw } from "./names.js";

/** Why a message or an event was not taken, as counted in the server's metrics. */
export type RejectReason = "oversized" | "too_deep" | "malformed" | "schema" | "foreign_id" | "personal_id";

/** A value, or an error that names the field and the rule (and, for decoders, the reject reason). */
export type Result<T> = { ok: true; value: T } | { ok: false; error: string; reason?: RejectReason };

/** A compiled validator whose errors name the field and the rule, e.g. `/events/3/ts: Expected integer`. */
export interface Validator<T> {
  readonly schema: TSchema;
  check(value: unknown): value is T;
  /** Every problem, one line each (empty when valid). */
  problems(value: unknown, max?: number): string[];
  parse(value: unknown): Result<T>;
}

/**
 * Compiled checking code where the platform runs generated code; TypeBox's interpreter (the same
 * answers, slower) where it may not. In a browser the interpreter is used from the start: the UI
 * is served with a Content-Security-Policy without 'unsafe-eval' (where even trying `new Function`
 * is reported as a violation), and it checks a few layouts, not a stream of events. Elsewhere an
 * EvalError (Node with --disallow-code-generation-from-strings) falls back to it too.
 */
function checkerOf(schema: TSchema): { Check(value: unknown): boolean; Errors(value: unknown): Iterable<{ path: string; message: string; schema: TSchema; value: unknown }> } {
  const interpreted = { Check: (value: unknown) => Value.Check(schema, value), Errors: (value: unknown) => Value.Errors(schema, value) };
  if ("document" in globalThis) return interpreted;
  try {
    return TypeCompiler.Compile(schema);
  } catch (err) {
    if (!(err instanceof EvalError)) throw err;
    return interpreted;
  }
}

export function compile<S extends TSchema>(schema: S): Validator<Static<S>> {
  const checker = checkerOf(schema);
  const problems = (value: unknown, max = 20): string[] => {
    const out: string[] = [];
    for (const e of checker.Errors(value)) {
      // A name's rule in its own words (names.ts), not the regular expression.
      const name = isNamePattern(e.schema.pattern) && typeof e.value === "string" ? nameFlaw(e.value) : null;
      out.push(`${e.path || "/"}: ${name ? name.flaw : e.message}`);
      if (out.length >= max) break;
    }
    return out;
  };
  return {
    schema,
    check: (value: unknown): value is Static<S> => checker.Check(value),
    problems,
    parse(value: unknown): Result<Static<S>> {
      if (checker.Check(value)) return { ok: true, value };
      return { ok: false, error: problems(value, 3).join("; ") || "invalid value" };
    },
  };
}

/**
 * JSON.parse that returns a result instead of throwing. Text nested deeper than `maxDepth` levels
 * (LIMITS.maxJsonDepth) is refused by a linear scan before anything recursive sees it.
 */
export function parseJson(text: string, maxDepth: number = LIMITS.maxJsonDepth): Result<unknown> {
  const deep = jsonTooDeep(text, maxDepth);
  if (deep) return { ok: false, error: deep, reason: "too_deep" };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (err) {
    return { ok: false, error: `malformed JSON: ${(err as Error).message}`, reason: "malformed" };
  }
}
