/**
 * TGI's launcher defaults for the limits its validation enforces (`--max-best-of`,
 * `--max-stop-sequences`, `--max-top-n-tokens`): the one copy every adapter reads,
 * whichever direction it translates (docs/protocols/tgi.md, "Limits").
 */
export const TGI_LIMITS = {
  maxBestOf: 2,
  /** Also OpenAI's own limit on `stop`. */
  maxStopSequences: 4,
  /** Top tokens per position: TGI's `top_n_tokens`, OpenAI's `top_logprobs` and completions `logprobs`. */
  maxTopNTokens: 5,
} as const;
