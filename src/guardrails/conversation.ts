import { errors } from '../http/errors';

/** Llama Guard's two roles: the person (`User`) and the model (`Agent`). */
export type GuardRole = 'User' | 'Agent';

export interface Turn {
  role: GuardRole;
  content: string;
}

/** What one input check assesses: a conversation whose last `User` turn is judged. */
export type Conversation = Turn[];

/**
 * Chat messages as Llama Guard turns: `assistant` is the Agent (its text and any
 * tool-call arguments); every other role — user, system, developer, tool — is text
 * the client sent, so it is assessed as the User's. Consecutive turns of one role
 * are merged, as the guard expects alternating turns.
 */
export function chatConversation(messages: unknown): Conversation {
  const turns: Turn[] = [];
  for (const message of Array.isArray(messages) ? messages : []) {
    if (!message || typeof message !== 'object') continue;
    const m = message as { role?: unknown; content?: unknown; tool_calls?: unknown };
    const agent = m.role === 'assistant';
    const parts = [contentText(m.content)];
    if (agent && Array.isArray(m.tool_calls)) {
      for (const call of m.tool_calls) {
        const args = (call as { function?: { arguments?: unknown } } | null)?.function?.arguments;
        if (typeof args === 'string') parts.push(args);
      }
    }
    push(turns, agent ? 'Agent' : 'User', parts.filter(Boolean).join('\n'));
  }
  return turns;
}

/**
 * An Anthropic Messages request as Llama Guard turns, read for its text and nothing
 * else, so that it refuses nothing: `system` and user turns are the User's (text
 * blocks, tool results' text, text documents), assistant turns the Agent's (text, and
 * each tool_use's input as JSON, as chat's tool-call arguments are). Blocks it cannot
 * read (images, PDFs, thinking, server tool blocks) are skipped: a request the
 * endpoint's origin takes (extended thinking, MCP servers, documents on an Anthropic
 * model) is checked for its text and sent on, never refused because the guard reads
 * chat messages.
 */
export function messagesConversation(request: { system?: unknown; messages?: unknown }): Conversation {
  const turns: Turn[] = [];
  push(turns, 'User', anthropicText(request.system));
  for (const message of Array.isArray(request.messages) ? request.messages : []) {
    if (!message || typeof message !== 'object') continue;
    const m = message as { role?: unknown; content?: unknown };
    push(turns, m.role === 'assistant' ? 'Agent' : 'User', anthropicText(m.content));
  }
  return turns;
}

/** Anthropic content (a string, or blocks) as text: the text of each block that has some, one per line. */
function anthropicText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content.map(blockText).filter(Boolean).join('\n');
}

function blockText(block: unknown): string {
  if (!block || typeof block !== 'object') return '';
  const b = block as { type?: unknown; text?: unknown; input?: unknown; content?: unknown; source?: unknown };
  switch (b.type) {
    case 'text':
      return typeof b.text === 'string' ? b.text : '';
    case 'tool_use':
      return b.input === undefined ? '' : JSON.stringify(b.input);
    case 'tool_result':
    case 'search_result':
      return anthropicText(b.content);
    case 'document': {
      // A plain-text document, or one given as content blocks; PDFs and files are not text the guard can read.
      const source = b.source as { type?: unknown; data?: unknown; content?: unknown } | null | undefined;
      if (source?.type === 'text') return typeof source.data === 'string' ? source.data : '';
      return source?.type === 'content' ? anthropicText(source.content) : '';
    }
    default:
      return '';
  }
}

/**
 * A completions prompt: each prompt of a batch is its own conversation (one User
 * turn). Token-id prompts cannot be read by the guard, so they are refused.
 */
export function promptConversations(prompt: unknown): Conversation[] {
  const prompts =
    typeof prompt === 'string'
      ? [prompt]
      : Array.isArray(prompt) && prompt.every((p) => typeof p === 'string')
        ? (prompt as string[])
        : null;
  if (!prompts) {
    throw errors.invalidField('prompt', 'this endpoint moderates its prompts, so send them as text, not token ids');
  }
  return prompts.map((p) => [{ role: 'User', content: p }]);
}

/** TGI `inputs`: one User turn. */
export function inputsConversation(inputs: string): Conversation {
  return [{ role: 'User', content: inputs }];
}

/** The conversation with the model's answer appended: what an output check assesses. */
export function withAnswer(conversation: Conversation, answer: string): Conversation {
  const turns = [...conversation];
  push(turns, 'Agent', answer);
  return turns;
}

function push(turns: Turn[], role: GuardRole, content: string): void {
  if (!content) return;
  const last = turns[turns.length - 1];
  if (last?.role === role) last.content = `${last.content}\n\n${content}`;
  else turns.push({ role, content });
}

function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .map((part) =>
      part && typeof part === 'object' && typeof (part as { text?: unknown }).text === 'string'
        ? (part as { text: string }).text
        : '',
    )
    .filter(Boolean)
    .join('\n');
}
