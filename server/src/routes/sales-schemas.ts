/**
 * The sales routes' department and import answers (TypeBox only, no Fastify or Node), so that the
 * UI can derive its types from them with Static, as from ./schemas.ts.
 */
import { Type } from "@sinclair/typebox";

/** Rejected rows listed in an answer; `rejectedCount` has them all. */
export const MAX_LISTED_REJECTS = 1000;

const DepartmentName = Type.String({ minLength: 1, maxLength: 64 });
export const DepartmentsBody = Type.Object({
  departments: Type.Record(DepartmentName, Type.Array(Type.String({ description: "zone id" }), { minItems: 1, maxItems: 500 }), {
    maxProperties: 500,
    description: "department name -> its zones; a zone belongs to at most one department",
  }),
});

export const SalesDaysQuery = Type.Object({
  days: Type.Optional(Type.Integer({ minimum: 1, maximum: 92, default: 14, description: "how many local days, today (so far) the last" })),
});
export const SalesDaysBody = Type.Object({
  timezone: Type.String({ description: "the store's, whose days these are" }),
  days: Type.Array(
    Type.Object({
      date: Type.String({ description: "the local date, YYYY-MM-DD" }),
      from: Type.Integer(),
      to: Type.Integer({ description: "the day's end, or now for today" }),
      transactions: Type.Union([Type.Integer(), Type.Null()], { description: "null: no data, the day ends before the store's first sale recorded (no till feed yet)" }),
      sales: Type.Union([Type.Number(), Type.Null()], { description: "the sum of their amounts, as the conversion view takes it for the same range; null with transactions" }),
    }),
    {
      description:
        "oldest first; a day without a transaction has 0 from the store's first sale recorded on (its sales are not imported, or the store was closed), null before it (no data: no till feed yet, not 0)",
    },
  ),
  newestSaleTs: Type.Union([Type.Integer(), Type.Null()], { description: "the newest sale stored for the store, at any time; null without any" }),
});

export const ImportResult = Type.Object({
  accepted: Type.Integer(),
  duplicates: Type.Integer({ description: "transactions already imported with the same values (a repeated upload)" }),
  rejected: Type.Array(Type.Object({ line: Type.Integer(), error: Type.String() }), {
    description: `the first ${MAX_LISTED_REJECTS} refused rows by line: the CSV file's line (the header is line 1), or the 1-based position in \`sales\``,
  }),
  rejectedCount: Type.Integer({ description: "all refused rows" }),
  warnings: Type.Optional(
    Type.Array(Type.Object({ line: Type.Integer(), warning: Type.String() }), {
      description:
        `(this project) the first ${MAX_LISTED_REJECTS} rows kept whose reading involved a choice, by line as \`rejected\`: a local time without an offset that the store's clocks showed twice (the hour they went back: read as the second, after the change; the warning gives the first with its offset) or never (the hour they went forward: read as that much later)`,
    }),
  ),
  warningsCount: Type.Optional(Type.Integer({ description: "(this project) all such rows" })),
});
