/**
 * The `code` of a node:fs error (`ENOENT`, `EACCES`, ...), or undefined. Duck-typed on
 * purpose: under jest, node's own errors come from another realm and fail `instanceof Error`.
 */
export function errnoCode(error: unknown): string | undefined {
  const code: unknown = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'string' ? code : undefined;
}
