import type { ToolVisibility } from './toolVisibility';

/** How often the gateway looks for a new policy set by default, in milliseconds. */
export const DEFAULT_TOOL_LIST_CHECK_MS = 1000;

/**
 * Calls `notify` (the gateway sends `notifications/tools/list_changed`) whenever what
 * `tools/list` would answer changes: other tools offered under a reloaded policy set, or
 * the set becoming unavailable or available again. Looks every `intervalMs`; a look is a
 * digest comparison unless the set changed. Returns the function that stops looking.
 */
export function watchToolList(visibility: ToolVisibility, notify: () => void, intervalMs = DEFAULT_TOOL_LIST_CHECK_MS): () => void {
  let last = listingKey(visibility);
  const timer = setInterval(() => {
    const now = listingKey(visibility);
    if (now === last) return;
    last = now;
    notify();
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}

/** What the listing is now, as one string: the offered tools, or the code the set fails with. */
function listingKey(visibility: ToolVisibility): string {
  try {
    return JSON.stringify([...visibility.current().tools].sort());
  } catch (error) {
    return `failed:${(error as { code?: unknown }).code ?? 'unknown'}`;
  }
}
