/**
 * Text someone else typed (a token's label, an audit entry's details), written for a terminal. A label is free text
 * (the API, the UI and `token add --label` take any), and printed as it is it could drive the terminal of whoever
 * lists it: an ESC sequence clears the screen, moves the cursor, recolours or retitles the window; a newline or a
 * carriage return makes a line that reads as another row of the table; a bidi override reorders what follows.
 * `visible` writes every such character out (`\n`, `\r`, `\t`, `\x1b`, `\u202e`), so one value stays one cell of
 * one line and reads as what was stored. JSON output never goes through it: it stays exact.
 */

/** C0 controls, DEL, C1 controls (U+009B is a one-character CSI to some terminals), line and paragraph separators, bidi marks and overrides. */
// eslint-disable-next-line no-control-regex -- control characters are what it looks for
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
const NAMED: Readonly<Record<string, string>> = { "\n": "\\n", "\r": "\\r", "\t": "\\t" };

/** `text` with its control, separator and bidi characters written as escapes (`\n`, `\x1b`, `\u202e`); other text as it is. */
export function visible(text: string): string {
  return text.replace(UNSAFE, (c) => {
    const code = c.charCodeAt(0);
    return NAMED[c] ?? (code <= 0xff ? `\\x${code.toString(16).padStart(2, "0")}` : `\\u${code.toString(16).padStart(4, "0")}`);
  });
}
