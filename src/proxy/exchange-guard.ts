import type { ApiError } from '../http/errors';
import type { ErrorProtocol } from '../http/error-renderers';

/**
 * What the relay asks of an endpoint's guardrails (src/guardrails/request-guard.ts
 * implements it): `checkInput` after admission and before the origin is called,
 * `checkAnswer` on a non-streaming answer, `stream` around a streaming one, and
 * what happened as response headers and Server-Timing entries.
 */
export interface ExchangeGuard {
  checkInput(signal: AbortSignal): Promise<void>;
  checkAnswer(body: unknown, signal: AbortSignal): Promise<ApiError | null>;
  stream(body: ReadableStream<Uint8Array>, abort: AbortController): ReadableStream<Uint8Array>;
  headers(): Record<string, string>;
  serverTiming(): string[];
  /** The client's error shape, for an answer the output guardrail withholds. */
  readonly errorProtocol: ErrorProtocol;
}
