// Exit codes and the error a command throws for a bad invocation.

export const EXIT_OK = 0;
/** The API refused (any non-2xx), or the router could not be reached. */
export const EXIT_FAILURE = 1;
/** The command line itself is wrong: nothing was sent. */
export const EXIT_USAGE = 2;

/** A bad invocation: reported on stderr, exit 2, with the command's usage unless `showUsage` is false. */
export class UsageError extends Error {
  readonly showUsage: boolean;

  constructor(message: string, opts: { showUsage?: boolean } = {}) {
    super(message);
    this.name = 'UsageError';
    this.showUsage = opts.showUsage ?? true;
  }
}
