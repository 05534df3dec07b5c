/**
 * Per-isolate circuit breakers and outstanding-request counts, one per origin URL.
 * After `FAILURE_THRESHOLD` consecutive failures an origin is ejected (open) for
 * `COOLDOWN_MS`; then one request may probe it (half-open): success closes the
 * breaker, failure opens it again.
 */
export const FAILURE_THRESHOLD = 3;
export const COOLDOWN_MS = 10_000;

interface BreakerState {
  failures: number;
  openUntil: number;
  probing: boolean;
  outstanding: number;
}

export class OriginBreakers {
  private readonly states = new Map<string, BreakerState>();

  private state(url: string): BreakerState {
    let s = this.states.get(url);
    if (!s) {
      s = { failures: 0, openUntil: 0, probing: false, outstanding: 0 };
      this.states.set(url, s);
    }
    return s;
  }

  /** May a request go to this origin now? (closed, or half-open with no probe in flight) */
  available(url: string, now = Date.now()): boolean {
    const s = this.states.get(url);
    if (!s || s.failures < FAILURE_THRESHOLD) return true;
    return now >= s.openUntil && !s.probing;
  }

  outstanding(url: string): number {
    return this.states.get(url)?.outstanding ?? 0;
  }

  /** A request starts on this origin; returns the function that ends it. */
  start(url: string, now = Date.now()): () => void {
    const s = this.state(url);
    if (s.failures >= FAILURE_THRESHOLD && now >= s.openUntil) s.probing = true;
    s.outstanding++;
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      s.outstanding--;
    };
  }

  succeeded(url: string): void {
    const s = this.state(url);
    s.failures = 0;
    s.openUntil = 0;
    s.probing = false;
  }

  /** Records a failure; true when this one opened the breaker (the origin is now ejected). */
  failed(url: string, now = Date.now()): boolean {
    const s = this.state(url);
    const wasOpen = s.failures >= FAILURE_THRESHOLD;
    s.failures++;
    s.probing = false;
    if (s.failures >= FAILURE_THRESHOLD) s.openUntil = now + COOLDOWN_MS;
    return !wasOpen && s.failures >= FAILURE_THRESHOLD;
  }

  reset(): void {
    this.states.clear();
  }
}

export const breakers = new OriginBreakers();
