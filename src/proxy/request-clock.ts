/**
 * One timer per request for its two moments: `onEarly` once it has run `earlyMs`
 * (the lease's upkeep starts: most requests are over by then), `onTotal` at its
 * total timeout. A request that ends first stops the clock; neither runs then.
 */
export function requestClock(
  earlyMs: number,
  onEarly: () => void,
  totalMs: number,
  onTotal: () => void,
): { stop: () => void } {
  let timer: ReturnType<typeof setTimeout>;
  if (totalMs <= earlyMs) {
    timer = setTimeout(onTotal, totalMs);
  } else {
    timer = setTimeout(() => {
      timer = setTimeout(onTotal, totalMs - earlyMs);
      onEarly();
    }, earlyMs);
  }
  return { stop: () => clearTimeout(timer) };
}
