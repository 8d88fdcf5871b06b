/**
 * `@footfall/core/node`: the few helpers the Node packages (edge, server) share that touch the
 * file system. Apart from core's pure entry, which the browser UI imports too.
 */
export { makeDirs } from "./dirs.js";
