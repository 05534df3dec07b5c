// The playground's state: kept in this module's memory while the user visits other pages, gone on reload
// (nothing of a chat is stored or logged by the router).

import type { StreamOutcome } from '../../chat-stream';
import type { ChatMessage, ChatSettings } from '../../settings';
import type { SnippetLanguage } from '../../snippets';

/**
 * A turn of the conversation as shown. A user turn whose request failed (or was stopped before any answer)
 * stays on screen, marked, but is not sent with later requests; Retry sends it again as the newest turn.
 */
export interface Turn extends ChatMessage {
  /** Under an answer: "N tokens · M ms", or "Stopped". */
  note?: string;
  /** The user turn's request failed: what to do next. */
  failed?: string;
  /** What streamed before the failure (shown, never sent). */
  partial?: string;
}

export interface CallRecord {
  at: Date;
  method: string;
  path: string;
  endpoint: string;
  outcome: StreamOutcome;
}

/** This tab's playground state (kept while the user visits other pages; gone on reload). */
export const state = {
  endpoint: '',
  region: '',
  view: 'ui' as 'ui' | 'api',
  language: 'python' as SnippetLanguage,
  settings: {} as ChatSettings,
  turns: [] as Turn[],
  calls: [] as CallRecord[],
};

/** The conversation as sent: failed turns left out. */
export function sentMessages(): ChatMessage[] {
  return state.turns.filter((t) => t.failed === undefined).map(({ role, content }) => ({ role, content }));
}
