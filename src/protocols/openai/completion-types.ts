import type { CompletionLogprobs } from './completion-logprobs';

/**
 * A vLLM `/v1/completions` answer or stream chunk, as the router reads it (every
 * field optional: origins differ in what they send).
 */
export interface CompletionBody {
  choices?: Array<{
    text?: string;
    finish_reason?: string | null;
    /** vLLM: the stop string that ended generation (or a token id, or null for EOS). */
    stop_reason?: unknown;
    logprobs?: Partial<CompletionLogprobs> | null;
  }>;
  usage?: unknown;
}
