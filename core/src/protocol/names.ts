/**
 * Names people give things: a store, a zone, a store group and its kind, an alert rule, an
 * experiment, a token's label. They end up in Home Assistant entity names, CSV cells, a digest's
 * mail subject line, the CLI's tables and the UI, so a name is one line of plain text: no control
 * character (C0, DEL, C1: an ESC sequence drives a terminal, a line break splits a CSV row or a
 * mail header), no line or paragraph separator, and no bidirectional embedding, override or
 * isolate (U+202A-U+202E, U+2066-U+2069: they make a name read in another order where it is shown;
 * right-to-left text needs none). Everything else is a name: accents, CJK, emoji, right-to-left
 * scripts and their marks (U+200E, U+200F).
 *
 * One rule, two forms that agree: {@link NAME_PATTERN} for schemas (the server's routes and core's
 * validators, and so the UI's editor) and {@link nameFlaw} for the words of a refusal. Names stored
 * before the rule still read: only what comes in is checked.
 */
import { Type, type StringOptions } from "@sinclair/typebox";
import { textFlaw } from "./text.js";

/** What a name must match (a JSON-schema pattern: the same in ajv with or without its `u` flag, and in TypeBox). */
export const NAME_PATTERN = "^[^\\u0000-\\u001f\\u007f-\\u009f\\u2028\\u2029\\u202a-\\u202e\\u2066-\\u2069]*$";

// eslint-disable-next-line no-control-regex -- control characters are what it looks for
const NOT_IN_A_NAME = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

const CONTROL_NAMES: Readonly<Record<number, string>> = {
  0x07: "BEL",
  0x08: "BACKSPACE",
  0x09: "TAB",
  0x0a: "LINE FEED",
  0x0b: "LINE TABULATION",
  0x0c: "FORM FEED",
  0x0d: "CARRIAGE RETURN",
  0x1b: "ESC",
  0x7f: "DELETE",
  0x85: "NEXT LINE",
  0x9b: "CSI",
  0x2028: "LINE SEPARATOR",
  0x2029: "PARAGRAPH SEPARATOR",
};
const BIDI_NAMES: Readonly<Record<number, string>> = {
  0x202a: "LEFT-TO-RIGHT EMBEDDING",
  0x202b: "RIGHT-TO-LEFT EMBEDDING",
  0x202c: "POP DIRECTIONAL FORMATTING",
  0x202d: "LEFT-TO-RIGHT OVERRIDE",
  0x202e: "RIGHT-TO-LEFT OVERRIDE",
  0x2066: "LEFT-TO-RIGHT ISOLATE",
  0x2067: "RIGHT-TO-LEFT ISOLATE",
  0x2068: "FIRST STRONG ISOLATE",
  0x2069: "POP DIRECTIONAL ISOLATE",
};

const hex = (code: number) => code.toString(16).toUpperCase().padStart(4, "0");

/**
 * What is wrong with `s` as a name, and where: null when nothing is. Text no database stores (U+0000,
 * half a surrogate pair) is said in core `textFlaw`'s words, so a name refused by either reads alike.
 */
export function nameFlaw(s: string): { flaw: string; index: number } | null {
  const m = NOT_IN_A_NAME.exec(s);
  if (!m) return textFlaw(s);
  // Half a surrogate pair before it (textFlaw looks for a NUL first, wherever it is).
  const before = textFlaw(s.slice(0, m.index));
  if (before) return before;
  if (m[0] === "\u0000") return { ...textFlaw(m[0])!, index: m.index };
  const code = m[0].charCodeAt(0);
  const bidi = BIDI_NAMES[code];
  if (bidi) return { flaw: `holds U+${hex(code)} (${bidi}, a bidirectional control), which makes a name read in another order where it is shown: remove it (right-to-left text needs none)`, index: m.index };
  const named = CONTROL_NAMES[code];
  return { flaw: `holds U+${hex(code)} (${named ? `${named}, ` : ""}a control character): a name is one line of plain text; remove it`, index: m.index };
}

/** A name's schema: a string with `opts` (lengths, description) that matches {@link NAME_PATTERN}. */
export function NameString(opts: StringOptions = {}) {
  return Type.String({ ...opts, pattern: NAME_PATTERN });
}

/** Whether a schema's `pattern` is the name rule (so that a refusal says {@link nameFlaw}'s words, not the expression). */
export const isNamePattern = (pattern: unknown): boolean => pattern === NAME_PATTERN;

/**
 * A name stored before the rule, for showing where one line is expected (a mail subject, a Home
 * Assistant entity name, a cell): each character {@link nameFlaw} refuses written as `\u{1b}`, the
 * rest as it is. A name that keeps the rule is returned unchanged.
 */
export function shownName(s: string): string {
  if (!NOT_IN_A_NAME.test(s)) return s;
  return s.replace(new RegExp(NOT_IN_A_NAME.source, "g"), (c) => `\\u{${c.charCodeAt(0).toString(16)}}`);
}
