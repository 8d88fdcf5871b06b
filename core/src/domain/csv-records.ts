/**
 * The records of an imported CSV (the sales import), one rule for the server that reads them and
 * the UI that sends a large file in parts: where each record starts and ends, and on which line.
 */

/** One record of a CSV text: `text.slice(start, end)`, its line break excluded; the next record begins at `next`. */
export interface CsvRecordSpan {
  /** The line of the text where the record starts (1-based). */
  line: number;
  start: number;
  end: number;
  next: number;
  /** Whether it holds a `"` (else its fields are a plain split on the delimiter). */
  quoted: boolean;
}

/**
 * The delimiter of a CSV whose first line is `headerLine`: `,`, or `;` or a tab when the header has
 * those and no comma (spreadsheets in the locales that write decimal commas save `;` files).
 */
export function csvDelimiter(headerLine: string): string {
  return headerLine.includes(",") ? "," : headerLine.includes(";") ? ";" : headerLine.includes("\t") ? "\t" : ",";
}

/**
 * The records of a CSV text, each with the line it starts on. A line break (`\n`, `\r\n` or `\r`)
 * ends a record unless it is inside a quoted field; a quote opens a quoted field only at the start
 * of a field (after blanks), so that a stray quote (`ab"c`, `"1"x`) spoils its own line only, never
 * the lines after it. A quoted field still open at the end swallows the rest of the text (nothing
 * else can be meant).
 */
export function csvRecordSpans(text: string, delimiter: string): CsvRecordSpan[] {
  const out: CsvRecordSpan[] = [];
  const n = text.length;
  let i = 0;
  let line = 1;
  while (i < n) {
    const start = i;
    const startLine = line;
    let inQuotes = false;
    let fieldStart = true;
    let quoted = false;
    let end = n;
    while (i < n) {
      const c = text[i]!;
      if (c === "\r" || c === "\n") {
        const width = c === "\r" && text[i + 1] === "\n" ? 2 : 1;
        line++;
        if (!inQuotes) {
          end = i;
          i += width;
          break;
        }
        i += width;
        continue;
      }
      if (inQuotes) {
        if (c === '"') {
          if (text[i + 1] === '"') i++;
          else inQuotes = false;
        }
        i++;
        continue;
      }
      if (c === '"') {
        quoted = true;
        if (fieldStart) inQuotes = true;
        fieldStart = false;
      } else if (c === delimiter) fieldStart = true;
      else if (c !== " " && c !== "\t") fieldStart = false;
      i++;
    }
    out.push({ line: startLine, start, end, next: i, quoted });
  }
  return out;
}

/** The UTF-8 bytes of `text` (a lone surrogate as the 3 of U+FFFD, as an encoder writes it). */
function utf8Bytes(text: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c < 0xdc00 && i + 1 < to && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

/** One part of a CSV split for import: the header, then whole records; a line `n` of it is the file's line `n + lineOffset`. */
export interface CsvPart {
  text: string;
  lineOffset: number;
  /** The file's lines of its first and last record. */
  firstLine: number;
  lastLine: number;
}

/**
 * A CSV text cut into parts of at most `maxBytes` UTF-8 bytes each (a record larger than that
 * alone in its part), each part its header line (without a BOM) followed by whole records as they
 * stand in the file (blank lines and quoted line breaks kept), so that each part reads as the file
 * would, row for row, and a line the server names in a part is the file's line `+ lineOffset`.
 * A text without a record after its header is one part, as it stands.
 */
export function csvImportParts(text: string, maxBytes: number): CsvPart[] {
  const body = text.replace(/^\uFEFF/, "");
  const delimiter = csvDelimiter(/^[^\r\n]*/.exec(body)![0]);
  const spans = csvRecordSpans(body, delimiter);
  const headerIndex = spans.findIndex((s) => body.slice(s.start, s.end).trim() !== "");
  const header = spans[headerIndex];
  const records = header ? spans.slice(headerIndex + 1) : [];
  if (!header || !records.some((r) => body.slice(r.start, r.end).trim() !== "")) return [{ text, lineOffset: 0, firstLine: 0, lastLine: 0 }];
  const headText = body.slice(0, header.end);
  // The lines the header text takes in a part (blank lines before it and line breaks inside its quotes).
  const headLines = header.line + (body.slice(header.start, header.end).match(/\r\n|\r|\n/g)?.length ?? 0);
  const headBytes = utf8Bytes(headText, 0, headText.length) + 1;
  const parts: CsvPart[] = [];
  let first = 0;
  let size = headBytes;
  const close = (last: number) => {
    const a = records[first]!;
    const b = records[last]!;
    parts.push({ text: `${headText}\n${body.slice(a.start, b.next)}`, lineOffset: a.line - headLines - 1, firstLine: a.line, lastLine: b.line });
  };
  for (let k = 0; k < records.length; k++) {
    const r = records[k]!;
    const own = utf8Bytes(body, r.start, r.next);
    if (k > first && size + own > maxBytes) {
      close(k - 1);
      first = k;
      size = headBytes;
    }
    size += own;
  }
  close(records.length - 1);
  return parts;
}
