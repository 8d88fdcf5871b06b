/** What a thrown value says: an Error's message, anything else as text (the UI's error lines, the edge agents' logs). */
export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
