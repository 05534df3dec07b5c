// The playground's UI settings: what the user set in the configuration panel. Unset fields are left out
// of the request, so the endpoint's own defaults apply; nothing here ever changes those defaults.

export interface ChatSettings {
  temperature?: number;
  max_tokens?: number;
  top_p?: number;
  top_k?: number;
  stop?: string[];
  presence_penalty?: number;
  frequency_penalty?: number;
  system_prompt?: string;
}

export type ChatMessage = { role: 'system' | 'user' | 'assistant'; content: string };

/** The sampling fields of a chat completions request (OpenAI names; `top_k` is a vLLM extra the router passes on). */
export function samplingFields(s: ChatSettings): Record<string, number | string[]> {
  const out: Record<string, number | string[]> = {};
  if (s.temperature !== undefined) out.temperature = s.temperature;
  if (s.max_tokens !== undefined) out.max_tokens = s.max_tokens;
  if (s.top_p !== undefined) out.top_p = s.top_p;
  if (s.top_k !== undefined) out.top_k = s.top_k;
  if (s.stop?.length) out.stop = s.stop;
  if (s.presence_penalty !== undefined) out.presence_penalty = s.presence_penalty;
  if (s.frequency_penalty !== undefined) out.frequency_penalty = s.frequency_penalty;
  return out;
}

/** The conversation as sent: the system prompt (when set) first. */
export function withSystemPrompt(s: ChatSettings, messages: ChatMessage[]): ChatMessage[] {
  return s.system_prompt ? [{ role: 'system', content: s.system_prompt }, ...messages] : messages;
}

/** The body the playground posts to /v1/chat/completions. */
export function chatBody(model: string, s: ChatSettings, messages: ChatMessage[]): Record<string, unknown> {
  return {
    model,
    messages: withSystemPrompt(s, messages),
    ...samplingFields(s),
    stream: true,
    stream_options: { include_usage: true },
  };
}
