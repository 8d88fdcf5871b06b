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

/**
 * A stored name as the UI shows it (the store menu, headings, the tab's title, plan labels, lists,
 * charts): core shownName, so a name stored before the rule shows its ESC, line break or bidi override
 * written out ('Rivoli \u{202e}exe.pdf') instead of acted on, and the text after it reads in order.
 * Ordinary names come back unchanged. The one way views show a name; forms that edit one keep the
 * stored text, so it can be mended (nameProblem says what is wrong with it).
 */
export function nameShown(name: string): string;
export function nameShown(name: string | null | undefined): string | null | undefined;
export function nameShown(name: string | null | undefined): string | null | undefined {
  return typeof name === "string" ? shownName(name) : name;
}
