/**
 * Awaits one operation at a time, or the abort signal, whichever comes first: like
 * `Promise.race([op, aborted])`, without leaving a reaction on a shared promise per
 * call (thousands per long stream).
 */
export class Interrupt {
  private reject: ((reason: unknown) => void) | null = null;
  private readonly onAbort = () => this.reject?.(this.signal.reason);

  constructor(private readonly signal: AbortSignal) {
    signal.addEventListener('abort', this.onAbort, { once: true });
  }

  run<T>(op: Promise<T>): Promise<T> {
    if (this.signal.aborted) {
      op.catch(() => undefined);
      return Promise.reject(this.signal.reason);
    }
    return new Promise<T>((resolve, reject) => {
      this.reject = reject;
      op.then(resolve, reject);
    });
  }

  dispose(): void {
    this.reject = null;
    this.signal.removeEventListener('abort', this.onAbort);
  }
}
