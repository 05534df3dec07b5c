/**
 * `Promise.all(items.map(fn))` with at most `parallelism` calls running at once,
 * results in input order. A Worker has a bounded number of simultaneous outgoing
 * connections, and a probe round over hundreds of origins must not open them all.
 */
export async function mapBounded<T, R>(
  items: readonly T[],
  parallelism: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(Math.max(1, parallelism), items.length) }, worker));
  return results;
}
