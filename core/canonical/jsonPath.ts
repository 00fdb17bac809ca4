/** The path of the root value in Writ's error issues, in the `$.a[2].b` notation. */
export const ROOT_JSON_PATH = '$';

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/**
 * Extends a JSON path by one step: `[n]` for an array index, `.name` for a key that reads as
 * an identifier, and `["..."]` (JSON-quoted) for any other key, so every path names exactly
 * one location even when keys contain dots, brackets or quotes.
 */
export function childJsonPath(parent: string, step: string | number): string {
  if (typeof step === 'number') return `${parent}[${step}]`;
  return IDENTIFIER.test(step) ? `${parent}.${step}` : `${parent}[${JSON.stringify(step)}]`;
}

/**
 * The JSON path of a list of steps, such as a zod issue's `path`: `['keys', 0, 'kid']`
 * becomes `$.keys[0].kid`. Symbol steps (which JSON cannot have) are written by description.
 */
export function jsonPathOf(steps: readonly PropertyKey[]): string {
  return steps.reduce<string>(
    (parent, step) => childJsonPath(parent, typeof step === 'symbol' ? String(step) : step),
    ROOT_JSON_PATH,
  );
}
