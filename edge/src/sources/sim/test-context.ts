import { LayoutHub } from "../../layout.js";
import { silentLogger } from "../../log.js";
import type { SourceContext } from "../../source.js";
import type { SimSettings } from "./settings.js";

/**
 * A simulator's source context for tests: a layout hub of its own (the built-in store until a layout
 * is published to it), a silent log, wall-clock time, a failure thrown; `over` replaces any part.
 */
export function simContext(settings: SimSettings, over: Partial<SourceContext<SimSettings>> = {}): SourceContext<SimSettings> {
  const hub = new LayoutHub();
  return {
    settings,
    emit: () => {},
    log: silentLogger,
    signal: new AbortController().signal,
    layout: () => hub.current(),
    layoutsExpected: false,
    onLayout: (l) => hub.subscribe(l),
    now: () => Date.now(),
    fail: (err) => {
      throw err;
    },
    ...over,
  };
}
