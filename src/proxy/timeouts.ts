import type { Timeouts } from '../endpoints/schema';

export interface EffectiveTimeouts {
  firstByteMs: number;
  idleMs: number;
  totalMs: number;
}

/** Defaults: 60 s to the first byte of a stream, 60 s between its chunks, 10 min in all. */
export const DEFAULT_TIMEOUTS: EffectiveTimeouts = { firstByteMs: 60_000, idleMs: 60_000, totalMs: 600_000 };

export function effectiveTimeouts(t: Timeouts): EffectiveTimeouts {
  return {
    firstByteMs: t.first_byte_ms ?? DEFAULT_TIMEOUTS.firstByteMs,
    idleMs: t.idle_ms ?? DEFAULT_TIMEOUTS.idleMs,
    totalMs: t.total_ms ?? DEFAULT_TIMEOUTS.totalMs,
  };
}
