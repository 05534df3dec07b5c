/**
 * OpenAI chat completions as the router's internal path carries them: what the
 * chat adapters (passthrough, on-TGI) hand back after normalising the origin's
 * answer. The Responses and Messages translations read these shapes.
 */
export interface ChatToolCall {
  id?: string;
  type?: 'function';
  function?: { name?: string; arguments?: string };
}

export interface ChatToolCallDelta extends ChatToolCall {
  index?: number;
}

export interface ChatUsage {
  prompt_tokens?: number;
  completion_tokens?: number;
}

export interface ChatCompletionBody {
  id?: string;
  created?: number;
  choices?: Array<{
    message?: { content?: string | null; tool_calls?: ChatToolCall[] | null };
    finish_reason?: string | null;
    /** vLLM: the stop string that ended generation (or a token id, or null for EOS). */
    stop_reason?: unknown;
  }>;
  usage?: ChatUsage | null;
}

export interface ChatChunkBody {
  choices?: Array<{
    index?: number;
    delta?: { content?: string | null; tool_calls?: ChatToolCallDelta[] | null };
    finish_reason?: string | null;
    stop_reason?: unknown;
  }>;
  usage?: ChatUsage | null;
}

/** A chat message as the translations build them for the origin. */
export type ChatMessage =
  | { role: 'system' | 'user'; content: string | ChatContentPart[] }
  | {
      role: 'assistant';
      content: string | null;
      tool_calls?: Array<Required<Omit<ChatToolCall, 'function'>> & { function: { name: string; arguments: string } }>;
    }
  | { role: 'tool'; tool_call_id: string; content: string };

export type ChatContentPart = { type: 'text'; text: string } | { type: 'image_url'; image_url: { url: string } };

// A type, not an interface: the chat request's `tools` are loose objects, which an interface is not assignable to.
export type ChatTool = {
  type: 'function';
  function: { name: string; description?: string; parameters?: unknown; strict?: boolean };
};

export type ChatToolChoice = 'none' | 'auto' | 'required' | { type: 'function'; function: { name: string } };
