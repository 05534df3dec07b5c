/** Why an origin request was aborted: the client left, or a timeout fired. */
export class ClientGone extends Error {
  constructor() {
    super('client disconnected');
  }
}

export class OriginTimeout extends Error {
  constructor(
    readonly phase: 'first_byte' | 'idle' | 'total',
    readonly ms: number,
  ) {
    super(`origin ${phase} timeout after ${ms} ms`);
  }
}

/** The request's key was revoked while it ran: the gate told us, and the request ends now. */
export class KeyRevoked extends Error {
  constructor() {
    super('API key revoked');
  }
}

/** The reason an abort signal carries, if it is one of ours. */
export function abortReason(signal: AbortSignal): ClientGone | OriginTimeout | KeyRevoked | null {
  const reason: unknown = signal.reason;
  return reason instanceof ClientGone || reason instanceof OriginTimeout || reason instanceof KeyRevoked
    ? reason
    : null;
}
