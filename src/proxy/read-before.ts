import { OriginTimeout } from './abort-reasons';

/** One read that fails with an OriginTimeout after `ms`. */
export async function readBefore(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  ms: number,
  phase: OriginTimeout['phase'],
  configuredMs: number,
): Promise<ReadableStreamReadResult<Uint8Array>> {
  let timer: ReturnType<typeof setTimeout> | null = null;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new OriginTimeout(phase, configuredMs)), Math.max(ms, 0));
  });
  try {
    return await Promise.race([reader.read(), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
