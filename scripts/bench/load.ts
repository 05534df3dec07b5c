// Closed-loop load: `concurrency` workers, each sending its next request as soon as the
// previous one ended. A warm-up pass at the same concurrency runs first and is discarded.
// Bounded by a request count and/or a duration (whichever comes first).

import { checkInterrupted } from './cleanup.ts';

export interface LoadOptions<R> {
  concurrency: number;
  /** Measured requests (also the cap when a duration is given). */
  requests?: number;
  /** Measure for at most this long (workers stop at the deadline). */
  durationMs?: number;
  /** Requests sent and discarded before measuring (default: none). */
  warmup?: number;
  send: (i: number) => Promise<R>;
  /** Called right before the measured phase starts (after the warm-up). */
  beforeMeasure?: () => void;
}

export interface LoadResult<R> {
  results: R[];
  errorCount: number;
  /** The first few error messages. */
  errors: string[];
  elapsedMs: number;
  /** Completed requests (results + errors) per second of the measured phase. */
  rps: number;
}

const MAX_ERROR_MESSAGES = 5;

async function pass<R>(
  concurrency: number,
  total: number,
  deadline: number,
  send: (i: number) => Promise<R>,
): Promise<LoadResult<R>> {
  const results: R[] = [];
  const errors: string[] = [];
  let errorCount = 0;
  let next = 0;
  const t0 = performance.now();
  const worker = async () => {
    while (next < total && performance.now() < deadline) {
      checkInterrupted();
      const i = next++;
      try {
        results.push(await send(i));
      } catch (err) {
        errorCount++;
        if (errors.length < MAX_ERROR_MESSAGES) errors.push(err instanceof Error ? err.message : String(err));
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const elapsedMs = performance.now() - t0;
  return { results, errors, errorCount, elapsedMs, rps: ((results.length + errorCount) / elapsedMs) * 1000 };
}

export async function closedLoop<R>(opts: LoadOptions<R>): Promise<LoadResult<R>> {
  if (opts.warmup && opts.warmup > 0) await pass(opts.concurrency, opts.warmup, Infinity, opts.send);
  opts.beforeMeasure?.();
  const deadline = opts.durationMs !== undefined ? performance.now() + opts.durationMs : Infinity;
  return pass(
    opts.concurrency,
    opts.requests ?? (opts.durationMs !== undefined ? 1_000_000 : 100),
    deadline,
    opts.send,
  );
}
