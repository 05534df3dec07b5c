// Tool calling, as vLLM (--enable-auto-tool-choice) and TGI's Messages API do it, made deterministic:
// with `tools` and a `tool_choice` other than "none", the answer is a call to the named tool (or
// the first one) — unless the conversation's last message is a tool result, which is answered
// with text. Arguments fill the tool's JSON schema with fixed values.

import { isObject } from './plan.ts';

export type PlannedCall = { name: string; arguments: string };

/** The tool call this request gets, or null for a text answer. */
export function plannedToolCall(body: Record<string, unknown>): PlannedCall | null {
  const tools = Array.isArray(body.tools) ? body.tools.filter(isObject) : [];
  if (tools.length === 0 || body.tool_choice === 'none') return null;
  const messages = Array.isArray(body.messages) ? body.messages : [];
  const last = messages.at(-1);
  if (isObject(last) && last.role === 'tool') return null;
  const choice = body.tool_choice;
  const wanted =
    isObject(choice) && isObject(choice.function)
      ? choice.function.name
      : typeof choice === 'string' && !['auto', 'required'].includes(choice)
        ? choice
        : null;
  const tool = tools.find((t) => isObject(t.function) && t.function.name === wanted) ?? tools[0]!;
  const fn = isObject(tool.function) ? tool.function : {};
  return { name: String(fn.name ?? 'tool'), arguments: JSON.stringify(valueFor(fn.parameters)) };
}

function valueFor(schema: unknown): unknown {
  if (!isObject(schema)) return {};
  if (Array.isArray(schema.enum) && schema.enum.length) return schema.enum[0];
  switch (schema.type) {
    case 'string':
      return 'Paris';
    case 'integer':
    case 'number':
      return 3;
    case 'boolean':
      return true;
    case 'array':
      return [];
    case 'object':
    default: {
      const props = isObject(schema.properties) ? schema.properties : {};
      return Object.fromEntries(Object.entries(props).map(([k, v]) => [k, valueFor(v)]));
    }
  }
}

/** The arguments in the pieces a stream sends them in (about 8 characters each). */
function argumentPieces(args: string): string[] {
  const pieces: string[] = [];
  for (let i = 0; i < args.length; i += 8) pieces.push(args.slice(i, i + 8));
  return pieces.length ? pieces : [''];
}

/** A tool call as generated under `max_tokens`: the name is one token, each argument piece one more. */
export type GeneratedCall = {
  /** The argument pieces generated, in order (a stream sends one per chunk). */
  pieces: string[];
  /** The arguments generated: all of them, or cut short. */
  arguments: string;
  /** Completion tokens: the name and the pieces generated. */
  tokens: number;
  /** `max_tokens` stopped the call before its last piece: finish_reason `length`, streaming or not. */
  cut: boolean;
};

export function generatedCall(call: PlannedCall, maxTokens: number | null): GeneratedCall {
  const pieces = argumentPieces(call.arguments);
  const cut = maxTokens !== null && maxTokens < pieces.length + 1;
  const kept = cut ? pieces.slice(0, Math.max(0, maxTokens - 1)) : pieces;
  return { pieces: kept, arguments: kept.join(''), tokens: kept.length + 1, cut };
}
