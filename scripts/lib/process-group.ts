// Shared by the dev/test stack and the bench: the environment for wrangler and
// workerd children, and signalling a whole process group.

/** Offline, no metrics, no prompts, no colour codes in captured logs. */
export function childEnv(): NodeJS.ProcessEnv {
  return {
    ...process.env,
    CLOUDFLARE_CF_FETCH_ENABLED: 'false',
    WRANGLER_SEND_METRICS: 'false',
    CI: process.env.CI ?? '1',
    FORCE_COLOR: '0',
    NO_COLOR: '1',
  };
}

/** Signals every process of a group; false when none is left. */
export function signalGroup(pid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    return false;
  }
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
