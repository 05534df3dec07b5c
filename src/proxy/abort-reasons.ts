/** Why an origin request was aborted: the client left, or a timeout fired. */
export class ClientGone extends Error {
  constructor() {
    super('client disconnected');
  }
}

export class OriginTimeout extends Error {
  constructor(readonly phase: 'first_byte' | 'idle' | 'total', readonly ms: number) {
    super(`origin ${phase} timeout after ${ms} ms`);
  }
}

/** The reason an abort signal carries, if it is one of ours. */
export function abortReason(signal: AbortSignal): ClientGone | OriginTimeout | null {
  const reason: unknown = signal.reason;
  return reason instanceof ClientGone || reason instanceof OriginTimeout ? reason : null;
}
