/**
 * What to say when a view cannot be shown: its code failed to load, or it failed while drawing.
 * A view's code is a chunk of its own, named by a hash of its content: once the server is upgraded,
 * a tab opened before asks for a chunk that is no longer there, and only reloading the page helps.
 */
import { errorMessage } from "@footfall/core";

/** Whether `error` is the browser's failure to load a module of the app (Chromium, Firefox, Safari words). */
export function isModuleLoadError(error: unknown): boolean {
  return /Failed to fetch dynamically imported module|error loading dynamically imported module|Importing a module script failed|Unable to preload CSS/i.test(errorMessage(error));
}

export function viewFailure(error: unknown): { title: string; detail: string } {
  if (isModuleLoadError(error)) {
    return {
      title: "This view could not be loaded",
      detail: "Footfall has probably been updated on the server since this page was opened, or the connection dropped. Reload the page to get the current version.",
    };
  }
  return { title: "This view failed", detail: `It stopped with: ${errorMessage(error)}. Reload the page; if it happens again, tell your administrator what you did just before.` };
}
