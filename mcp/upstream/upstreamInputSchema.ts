import { z } from 'zod';
import { WritError } from '../../core/errors/writError';

type JsonSchema = Record<string, unknown>;

/**
 * An upstream tool's JSON Schema as the strict zod object a governed action validates its
 * input with (zod's own `z.fromJSONSchema`): every object in it, nested ones included,
 * refuses properties it does not declare unless the schema itself says what extra
 * properties may be, so no argument nobody reviewed rides along to the upstream. A schema
 * that is not an object, or that zod cannot read, is MCP_UPSTREAM_SCHEMA_UNSUPPORTED.
 */
export function upstreamInputSchema(tool: string, inputSchema: unknown): z.ZodObject {
  if (typeof inputSchema !== 'object' || inputSchema === null || (inputSchema as JsonSchema)['type'] !== 'object') {
    throw new WritError('MCP_UPSTREAM_SCHEMA_UNSUPPORTED', `${tool}: an upstream tool's input schema is a JSON Schema object`);
  }
  let schema: z.ZodType;
  try {
    schema = z.fromJSONSchema(closed(inputSchema as JsonSchema) as Parameters<typeof z.fromJSONSchema>[0]);
  } catch (error) {
    throw new WritError('MCP_UPSTREAM_SCHEMA_UNSUPPORTED', `${tool}: its input schema cannot be read: ${(error as Error).message}`);
  }
  if (!(schema instanceof z.ZodObject)) throw new WritError('MCP_UPSTREAM_SCHEMA_UNSUPPORTED', `${tool}: its input schema is not a plain object schema`);
  const catchall = (schema.def as unknown as { catchall?: { def: { type: string } } }).catchall;
  // Declared extra properties would leave the object open; defineAction needs it closed.
  if (catchall !== undefined && catchall.def.type !== 'never') throw new WritError('MCP_UPSTREAM_SCHEMA_UNSUPPORTED', `${tool}: its input schema admits undeclared properties`);
  return schema.strict();
}

/** An upstream tool's JSON Schema as `writ mcp` lists it: closed, as its arguments are validated. */
export function closedInputSchema(inputSchema: unknown): Record<string, unknown> {
  return closed(inputSchema) as Record<string, unknown>;
}

/** The schema with `additionalProperties: false` on every object that says nothing of extra properties. */
function closed(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(closed);
  if (typeof schema !== 'object' || schema === null) return schema;
  const node: JsonSchema = {};
  for (const [key, value] of Object.entries(schema as JsonSchema)) {
    // Property names and constants are data, not schemas.
    node[key] = key === 'properties' || key === '$defs' || key === 'definitions' || key === 'patternProperties' ? mapValues(value, closed) : key === 'const' || key === 'enum' || key === 'default' || key === 'examples' ? value : closed(value);
  }
  const isObject = node['type'] === 'object' || (node['type'] === undefined && node['properties'] !== undefined);
  if (isObject && node['additionalProperties'] === undefined && node['patternProperties'] === undefined) node['additionalProperties'] = false;
  return node;
}

function mapValues(value: unknown, map: (v: unknown) => unknown): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, map(v)]));
}
