/**
 * "No data" is not zero: when a store's figures begin, and whether a slot or range has data. The
 * definition lives in core (`@footfall/core`, domain/coverage.ts) so that the server's digests say
 * "the day before is partial" exactly when the heatmap does.
 */
export { figuresBegin, firstDataStart, keptCoverage, rangeHasData, rangeIsPartial, slotHasData, wholeFrom, type Coverage } from "@footfall/core";
