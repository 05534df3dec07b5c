import type { Outcome } from './request-log';
import { bucketIndex, LATENCY_BUCKETS_MS, TTFT_BUCKETS_MS } from './buckets';
import type { GapTimer } from './gap-timer';
import { minuteOf, MINUTE_MS, originLabel, statusClass, type RefusalReason } from './series-keys';

/** One counter increment: minute (ms since epoch), served entity ('' = the endpoint as a whole), series, amount. */
export type MetricRow = [minute: number, entity: string, series: string, value: number];

export interface RequestSample {
  endpoint: string;
  entity: string;
  outcome: Outcome;
  status: number;
  /** When the router started on it (ms since epoch) and how long it took. */
  startedAt: number;
  durationMs: number;
  /** Streams: until the first chunk of the answer. */
  ttftMs: number | null;
  promptTokens: number;
  completionTokens: number;
  gaps?: GapTimer;
  /** Origin attempts it took (failovers = attempts - 1). */
  attempts: number;
}

/** Deltas for one endpoint, as sent in one flush. */
export interface EndpointFlush {
  endpoint: string;
  flushId: string;
  rows: MetricRow[];
}

/**
 * One isolate's counters since its last flush: plain additions into a map, no
 * I/O. `take()` hands the whole batch over (and starts a new one) for a flush.
 */
export class MetricsBatch {
  private cells = new Map<string, Map<string, number>>();
  private seq = 0;
  size = 0;

  /** Random ids cannot be made at module load in Workers: this one is made on the first flush. */
  constructor(private id?: string) {}

  get isolateId(): string {
    return (this.id ??= crypto.randomUUID());
  }

  add(endpoint: string, minute: number, entity: string, series: string, value: number): void {
    if (value === 0) return;
    let cells = this.cells.get(endpoint);
    if (!cells) {
      cells = new Map();
      this.cells.set(endpoint, cells);
    }
    const key = `${minute}\u0000${entity}\u0000${series}`;
    const before = cells.get(key);
    if (before === undefined) this.size++;
    cells.set(key, (before ?? 0) + value);
  }

  request(s: RequestSample): void {
    const end = s.startedAt + s.durationMs;
    const minute = minuteOf(end);
    const add = (series: string, value: number) => this.add(s.endpoint, minute, s.entity, series, value);
    add(`req:${s.outcome}:${statusClass(s.status)}`, 1);
    add(`latency:${bucketIndex(LATENCY_BUCKETS_MS, s.durationMs)}`, 1);
    add('latency_sum', s.durationMs);
    if (s.ttftMs !== null) {
      add(`ttft:${bucketIndex(TTFT_BUCKETS_MS, s.ttftMs)}`, 1);
      add('ttft_sum', s.ttftMs);
    }
    if (s.gaps) {
      s.gaps.counts.forEach((n, i) => add(`gap:${i}`, n));
      add('gap_sum', s.gaps.sumMs);
    }
    add('prompt_tokens', s.promptTokens);
    add('completion_tokens', s.completionTokens);
    if (s.completionTokens > 0) add('gen_ms', Math.max(s.durationMs - (s.ttftMs ?? 0), 1));
    if (s.attempts > 1) add('failover', s.attempts - 1);
    // In-flight: the request's time inside each minute it spans (Little's law: busy ms / 60 000 = mean in-flight).
    for (let m = minuteOf(s.startedAt); m <= minute; m += MINUTE_MS) {
      this.add(s.endpoint, m, s.entity, 'busy_ms', Math.min(end, m + MINUTE_MS) - Math.max(s.startedAt, m));
    }
  }

  refusal(endpoint: string, reason: RefusalReason, at = Date.now()): void {
    this.add(endpoint, minuteOf(at), '', `refusal:${reason}`, 1);
  }

  attempt(endpoint: string, entity: string, originUrl: string, ok: boolean, at = Date.now()): void {
    this.add(endpoint, minuteOf(at), entity, `attempt:${ok ? 'ok' : 'failed'}:${originLabel(originUrl)}`, 1);
  }

  /** One guardrail check of a request to `endpoint`: its outcome, the categories it found and how long it took. */
  guard(
    endpoint: string,
    stage: string,
    outcome: string,
    categories: readonly string[],
    durationMs: number,
    at = Date.now(),
  ): void {
    const minute = minuteOf(at);
    this.add(endpoint, minute, '', `guard:${stage}:${outcome}`, 1);
    this.add(endpoint, minute, '', `guard_ms:${stage}`, durationMs);
    for (const category of categories) this.add(endpoint, minute, '', `guard_cat:${stage}:${category}`, 1);
  }

  ejection(endpoint: string, entity: string, originUrl: string, at = Date.now()): void {
    this.add(endpoint, minuteOf(at), entity, `eject:${originLabel(originUrl)}`, 1);
  }

  /** Everything counted so far, one flush per endpoint with an id no other flush has; the batch starts empty again. */
  take(): EndpointFlush[] {
    const seq = ++this.seq;
    const out: EndpointFlush[] = [];
    for (const [endpoint, cells] of this.cells) {
      const rows: MetricRow[] = [];
      for (const [key, value] of cells) {
        const [minute, entity, series] = key.split('\u0000') as [string, string, string];
        rows.push([Number(minute), entity, series, value]);
      }
      out.push({ endpoint, flushId: `${this.isolateId}:${seq}:${endpoint}`, rows });
    }
    this.cells = new Map();
    this.size = 0;
    return out;
  }
}
