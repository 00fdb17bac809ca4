// Every string in a verdict comes from a workflow history, and a history is
// attacker-controlled input: workflow ids, principals, action names and finding texts can
// hold markup. The report writes them only through these functions.

const ENTITIES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

// C0 and C1 controls other than tab and newline, and lone surrogates: not allowed in
// HTML/XML text, so they are shown as a visible code point instead of being passed on.
const UNPRINTABLE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/**
 * Escapes text for HTML or SVG element content and double- or single-quoted attribute
 * values: the five markup characters become entities and unprintable characters become
 * a visible `U+XXXX`, so no input can open a tag, close an attribute or hide itself.
 */
export function escapeMarkup(value: string): string {
  return value
    .replace(UNPRINTABLE, (c) => `U+${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`)
    .replace(/[&<>"']/g, (c) => ENTITIES[c] ?? c);
}

/**
 * Shortens text to at most `max` code points for a fixed-width box, ending in an ellipsis
 * when cut. Cuts by code point, so it never splits a surrogate pair. Escape after fitting.
 */
export function fitText(value: string, max: number): string {
  const chars = Array.from(value);
  return chars.length <= max ? value : `${chars.slice(0, Math.max(1, max - 1)).join('')}…`;
}
