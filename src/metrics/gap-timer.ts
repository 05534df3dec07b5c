import { bucketIndex, GAP_BUCKETS_MS } from './buckets';

/** Gaps between a stream's chunks, counted into the gap histogram as they arrive (no allocation per chunk). */
export class GapTimer {
  readonly counts: number[] = new Array<number>(GAP_BUCKETS_MS.length + 1).fill(0);
  sumMs = 0;
  private last = -1;

  tick(now = Date.now()): void {
    if (this.last >= 0) {
      const gap = now - this.last;
      this.counts[bucketIndex(GAP_BUCKETS_MS, gap)]!++;
      this.sumMs += gap;
    }
    this.last = now;
  }
}
