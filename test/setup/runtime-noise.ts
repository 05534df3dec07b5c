// workerd reports every connection a test drops on purpose (client aborts, refusing,
// resetting and dropping origins) as an "uncaught exception … Network connection lost"
// or "exception = … disconnected: …" line with a native stack, straight to the test
// run's stderr: hundreds of lines that are not results. They are dropped here; any other
// output, including workerd's other errors and their stacks, still shows.

const NOISE = [
  /^uncaught exception; .*\bNetwork connection lost\b/,
  /^exception = \S+: disconnected: /,
  /^uncaught exception; exception = \S+: disconnected: /,
];
/** A native stack line, which belongs to the line before it. */
const STACK = /^stack: \S*workerd@/;

/** Whether one line is workerd's noise about a dropped connection. */
export function isRuntimeNoise(line: string): boolean {
  return NOISE.some((re) => re.test(line));
}

/**
 * Filters text line by line: noise lines go, and so does a stack line right after one.
 * Keeps state across chunks (a stack may arrive in the next write).
 */
export function noiseFilter(): (chunk: string) => string {
  let droppedLast = false;
  return (chunk) => {
    const lines = chunk.split('\n');
    const kept: string[] = [];
    lines.forEach((line, i) => {
      const last = i === lines.length - 1;
      if (last && line === '') {
        kept.push(line);
        return;
      }
      if (isRuntimeNoise(line) || (droppedLast && STACK.test(line))) {
        droppedLast = true;
        return;
      }
      droppedLast = false;
      kept.push(line);
    });
    return kept.join('\n');
  };
}

/** Installs the filter on a stream's write (the vitest process's stderr and stdout). */
export function filterRuntimeNoise(stream: NodeJS.WriteStream): void {
  const filter = noiseFilter();
  const write = stream.write.bind(stream) as (chunk: unknown, ...rest: unknown[]) => boolean;
  stream.write = ((chunk: unknown, ...rest: unknown[]) => {
    if (typeof chunk !== 'string' && !(chunk instanceof Uint8Array)) return write(chunk, ...rest);
    const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    const kept = filter(text);
    if (kept === '' || (kept === '\n' && text !== '\n')) {
      const callback = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
      callback?.();
      return true;
    }
    return write(kept, ...rest);
  }) as typeof stream.write;
}
