// Tool calls of the provider flavours: when a request offers tools (and does not
// forbid them, and is not answering a tool call already), the model calls one.

import { isObject } from './plan.ts';

export type ToolCall = { name: string; input: Record<string, string> };

/**
 * The call the model makes: the forced tool, else the first one, with every
 * required string property set to "Paris" (so the arguments are never empty).
 */
export function chooseToolCall(
  tools: Array<{ name: string; schema: unknown }>,
  forced: string | null,
  forbidden: boolean,
  answeringTool: boolean,
): ToolCall | null {
  if (tools.length === 0 || forbidden || (answeringTool && forced === null)) return null;
  const tool = tools.find((t) => t.name === forced) ?? tools[0]!;
  const input: Record<string, string> = {};
  const schema = isObject(tool.schema) ? tool.schema : {};
  const required = Array.isArray(schema.required) ? schema.required : [];
  const props = isObject(schema.properties) ? schema.properties : {};
  for (const key of required)
    if (typeof key === 'string' && isObject(props[key]) && props[key].type === 'string') input[key] = 'Paris';
  return { name: tool.name, input };
}

/** A JSON string in pieces, as the providers stream tool arguments. */
export function jsonPieces(value: unknown): string[] {
  const text = JSON.stringify(value);
  const pieces: string[] = [];
  for (let i = 0; i < text.length; i += 8) pieces.push(text.slice(i, i + 8));
  return pieces;
}
