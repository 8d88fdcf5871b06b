/**
 * The name rule (core names.ts) in the UI's forms: what the server would refuse in a name, said
 * before it is sent, in core nameFlaw's words, with the name written out through shownName (an
 * ESC, a line break or a bidi override shown as \u{1b}, not acted on).
 */
import { nameFlaw, shownName } from "@footfall/core";

/**
 * Why `value`, as a form sends it (trimmed where the form trims), is no name: e.g. 'Name
 * “North\u{a}Bcc” holds U+000A (LINE FEED, a control character): a name is one line of plain text;
 * remove it'. Null when the rule takes it (an empty value included: whether one is needed is the form's).
 */
export function nameProblem(what: string, value: string): string | null {
  const f = nameFlaw(value);
  return f ? `${what} “${shownName(value)}” ${f.flaw}` : null;
}
