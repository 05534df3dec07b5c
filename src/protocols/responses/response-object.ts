import type { TokenCounts } from '../shared/stream-codec';
import type { OutputItem, ResponseObject, ResponsesRequest, ResponseStatus, ResponsesUsage } from './types';

/** What a response echoes of its request, and how it is named. */
export interface ResponseShell {
  id: string;
  createdAt: number;
  endpointName: string;
  request: ResponsesRequest;
}

export function responsesUsage(usage: TokenCounts): ResponsesUsage {
  return {
    input_tokens: usage.promptTokens,
    input_tokens_details: { cached_tokens: 0 },
    output_tokens: usage.completionTokens,
    output_tokens_details: { reasoning_tokens: 0 },
    total_tokens: usage.promptTokens + usage.completionTokens,
  };
}

/**
 * A Responses `response` object: the request's settings echoed as OpenAI does,
 * `store: false` always (the router keeps nothing), the endpoint's name as `model`.
 */
export function responseObject(
  shell: ResponseShell,
  state: {
    status: ResponseStatus;
    output: OutputItem[];
    usage: TokenCounts | null;
    incompleteReason?: string | null;
    error?: { code: string; message: string } | null;
  },
): ResponseObject {
  const req = shell.request;
  return {
    id: shell.id,
    object: 'response',
    created_at: shell.createdAt,
    status: state.status,
    background: false,
    error: state.error ?? null,
    incomplete_details: state.incompleteReason ? { reason: state.incompleteReason } : null,
    instructions: req.instructions ?? null,
    max_output_tokens: req.max_output_tokens ?? null,
    metadata: req.metadata ?? {},
    model: shell.endpointName,
    output: state.output,
    parallel_tool_calls: req.parallel_tool_calls ?? true,
    previous_response_id: null,
    reasoning: { effort: null, summary: null },
    store: false,
    temperature: req.temperature ?? null,
    text: req.text ?? { format: { type: 'text' } },
    tool_choice: req.tool_choice ?? 'auto',
    tools: req.tools ?? [],
    top_p: req.top_p ?? null,
    truncation: 'disabled',
    usage: state.usage ? responsesUsage(state.usage) : null,
    user: req.user ?? null,
  };
}
