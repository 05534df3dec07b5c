// `npm run bench`: the router's latency, streaming, throughput, admission and key-scaling
// figures against the origin emulator, under Miniflare/workerd and under `wrangler dev`.
// See scripts/bench/run.ts for the order of things and `--help` for the flags.

import { installSignalHandlers, Interrupted, interruptedBy, runCleanups } from './bench/cleanup.ts';
import { parseArgs, USAGE } from './bench/cli.ts';
import { runBench } from './bench/run.ts';

installSignalHandlers();
let code = 0;
try {
  const opts = parseArgs(process.argv.slice(2));
  if (opts.help) {
    console.log(USAGE);
  } else {
    const { ok } = await runBench(opts);
    if (!ok) {
      console.error('\nSome sections failed (see above).');
      code = 1;
    }
  }
} catch (err) {
  if (err instanceof Interrupted || interruptedBy()) code = 130;
  else {
    console.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
    code = 1;
  }
} finally {
  await runCleanups();
}
process.exit(code);
