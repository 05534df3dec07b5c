// Request counters and a ring of recent requests, exposed at GET /__stats, with the tokens the emulator
// generated: per request (and in total) the prompt tokens its usage reported and the completion tokens it wrote.

import type { Flavor } from './plan.ts';

export type Outcome = 'completed' | 'aborted' | 'dropped' | 'error' | 'in_flight';

export type RecordedRequest = {
  method: string;
  path: string;
  /** Normalised route key, as counted in `byRoute` (e.g. "POST /generate", "POST /tgi/v1/chat/completions"). */
  route: string;
  flavor: Flavor;
  mode: string;
  headers: Record<string, string>;
  body: unknown;
  status: number;
  outcome: Outcome;
  startedAt: number;
  endedAt?: number;
  /** Prompt tokens in the usage the emulator wrote (0 until a usage report went out: a cut stream has none). */
  promptTokens: number;
  /**
   * Completion tokens the emulator wrote: a stream's token frames as they went out (one per generated token,
   * vLLM's skipped empty deltas included), a body's tokens once it was written whole.
   */
  completionTokens: number;
};

export type OriginStats = {
  requests: number;
  inFlight: number;
  /** Responses the emulator finished writing (success and error statuses alike). */
  completed: number;
  /** The client closed the connection before the emulator finished. */
  aborted: number;
  /** The emulator itself cut the connection (drop / reset modes). */
  dropped: number;
  byRoute: Record<string, number>;
  /** Totals of the requests' `promptTokens` and `completionTokens` (see RecordedRequest). */
  promptTokens: number;
  completionTokens: number;
  recent: RecordedRequest[];
};

const RECENT_LIMIT = 200;
/** Request ids remembered for `GET /__requests?id=` (oldest forgotten first): far beyond the recent ring, so a busy run cannot push a test's requests out. */
const BY_ID_LIMIT = 20_000;
const REDACTED = new Set(['authorization', 'proxy-authorization', 'cookie', 'x-api-key']);

export function redactHeaders(raw: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(raw)) {
    if (v === undefined) continue;
    const key = k.toLowerCase();
    out[key] = REDACTED.has(key) ? '[redacted]' : Array.isArray(v) ? v.join(', ') : v;
  }
  return out;
}

export class StatsStore {
  private epoch = 0;
  private s: OriginStats = StatsStore.empty();
  private byId = new Map<string, RecordedRequest[]>();

  private static empty(): OriginStats {
    return {
      requests: 0,
      inFlight: 0,
      completed: 0,
      aborted: 0,
      dropped: 0,
      byRoute: {},
      promptTokens: 0,
      completionTokens: 0,
      recent: [],
    };
  }

  /** Registers a request; returns a finisher that settles it exactly once. */
  begin(rec: Omit<RecordedRequest, 'outcome' | 'status' | 'startedAt' | 'promptTokens' | 'completionTokens'>): Tracker {
    const epoch = this.epoch;
    const entry: RecordedRequest = {
      ...rec,
      status: 0,
      outcome: 'in_flight',
      startedAt: Date.now(),
      promptTokens: 0,
      completionTokens: 0,
    };
    this.s.requests++;
    this.s.inFlight++;
    this.s.byRoute[rec.route] = (this.s.byRoute[rec.route] ?? 0) + 1;
    this.s.recent.push(entry);
    if (this.s.recent.length > RECENT_LIMIT) this.s.recent.splice(0, this.s.recent.length - RECENT_LIMIT);
    const id = rec.headers['x-request-id'];
    if (id) {
      const list = this.byId.get(id);
      if (list) list.push(entry);
      else this.byId.set(id, [entry]);
      if (this.byId.size > BY_ID_LIMIT) this.byId.delete(this.byId.keys().next().value!);
    }
    let settled = false;
    return {
      entry,
      setStatus: (status) => {
        entry.status = status;
      },
      reportedPrompt: (tokens) => {
        const current = this.epoch === epoch;
        if (current) this.s.promptTokens += tokens - entry.promptTokens;
        entry.promptTokens = tokens;
      },
      wrote: (tokens) => {
        entry.completionTokens += tokens;
        if (this.epoch === epoch) this.s.completionTokens += tokens;
      },
      finish: (outcome) => {
        if (settled) return;
        settled = true;
        entry.outcome = outcome;
        entry.endedAt = Date.now();
        if (epoch !== this.epoch) return; // counters were reset meanwhile
        this.s.inFlight--;
        if (outcome === 'aborted') this.s.aborted++;
        else if (outcome === 'dropped') this.s.dropped++;
        else this.s.completed++;
      },
    };
  }

  inFlight(): number {
    return this.s.inFlight;
  }

  /** Every remembered request that carried this X-Request-Id, oldest first. */
  withRequestId(id: string): RecordedRequest[] {
    return structuredClone(this.byId.get(id) ?? []);
  }

  snapshot(): OriginStats {
    return structuredClone(this.s);
  }

  reset(): void {
    this.epoch++;
    this.s = StatsStore.empty();
    this.byId.clear();
  }
}

export type Tracker = {
  entry: RecordedRequest;
  setStatus(status: number): void;
  /** The usage written says the prompt had this many tokens (a later report replaces an earlier one). */
  reportedPrompt(tokens: number): void;
  /** Completion tokens written. */
  wrote(tokens: number): void;
  finish(outcome: Exclude<Outcome, 'in_flight'>): void;
};
