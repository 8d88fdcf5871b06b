/** What the CLI's options take: each value checked and refused in words naming what to give (commander prints the message). */
import { InvalidArgumentError } from "commander";
import { isId } from "@footfall/core";
import { readTime } from "./routes/times.js";
import { AGENT_LIST_STATUSES } from "./agent-list-format.js";

/** An option's number: a word or an empty value is refused naming it (commander: "argument 'abc' is invalid"), not passed on as NaN. */
export const number = (example: string) => (value: string) => {
  const n = Number(value);
  if (value.trim() === "" || !Number.isFinite(n)) throw new InvalidArgumentError(`give a number, ${example}`);
  return n;
};

export const id = (what: string) => (value: string) => {
  if (!isId(value)) throw new InvalidArgumentError(`${what} "${value}" must be 1-64 characters of a-z, 0-9, "_" or "-"`);
  return value;
};
/** A repeatable option of ids, each value one or several (comma-separated). */
export const ids = (what: string) => (value: string, all: string[] = []) => [...all, ...value.split(",").map((v) => id(what)(v.trim()))];
/** `--status offline,never-seen` (repeatable). */
export const statusList = (value: string, all: string[] = []) => [
  ...all,
  ...value.split(",").map((v) => {
    const word = v.trim();
    if (!(AGENT_LIST_STATUSES as readonly string[]).includes(word)) throw new InvalidArgumentError(`"${word}" is not a status: give ${AGENT_LIST_STATUSES.join(", ")}`);
    return word;
  }),
];
/** An option's whole number from `min` to `max`, refused in words naming the range (`what`: what it is). */
export const wholeNumber = (min: number, max: number, what: string) => (value: string) => {
  const n = Number(value);
  if (!/^\s*\d+\s*$/.test(value) || n < min || n > max) throw new InvalidArgumentError(`give a whole number from ${min} to ${max}: ${what}`);
  return n;
};
/** An option's time as the API reads it (ISO 8601 or epoch ms), refused in its words. */
export const time = (value: string) => {
  const t = readTime(value);
  if (!t.ok) throw new InvalidArgumentError(t.error);
  return t.ms;
};
