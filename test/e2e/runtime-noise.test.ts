// The test report stays readable: workerd's diagnostics about connections the tests drop on
// purpose are filtered out of the vitest process's output (vitest.config.ts), and nothing else is.

import { describe, expect, it } from 'vitest';
import { isRuntimeNoise, noiseFilter } from '../setup/runtime-noise.ts';

const STACK =
  'stack: /repo/node_modules/@cloudflare/workerd-linux-64/bin/workerd@28a3c60 /repo/node_modules/@cloudflare/workerd-linux-64/bin/workerd@3ac7580';
const NOISE = [
  'uncaught exception; source = Uncaught (in promise); stack = Error: Network connection lost.',
  'uncaught exception; exception = workerd/jsg/value.h:1535: disconnected: jsg.Error: Network connection lost.',
  'exception = rust/worker/ffi.rs:110: disconnected: Connection refused (os error 111)',
  'exception = rust/worker/ffi.rs:110: disconnected: HTTP body: error reading a body from connection',
];

describe('runtime noise filter', () => {
  it('recognises the dropped-connection lines and nothing else', () => {
    for (const line of NOISE) expect(isRuntimeNoise(line), line).toBe(true);
    for (const line of [
      ' FAIL   worker  test/worker/inference.test.ts > proxies chat',
      'AssertionError: expected 502 to be 200',
      '{"msg":"unhandled error","error":"TypeError: x is not a function"}',
      'uncaught exception; source = Uncaught (in promise); stack = TypeError: cannot read properties of undefined',
      STACK,
    ]) {
      expect(isRuntimeNoise(line), line).toBe(false);
    }
  });

  it('drops noise lines with their native stacks, across writes, and keeps everything around them', () => {
    const filter = noiseFilter();
    const out = [
      filter(` ✓  worker  test/worker/a.test.ts (3 tests)\n${NOISE[2]}\n`),
      filter(`${STACK}\n`),
      filter(`${NOISE[0]}\n${NOISE[1]}\n${STACK}\n`),
      filter(` FAIL   worker  test/worker/b.test.ts > refuses\nAssertionError: expected 502 to be 400\n`),
      // A stack after a line that is not noise is someone's real error: it stays.
      filter(`uncaught exception; source = Uncaught (in promise); stack = TypeError: boom\n${STACK}\n`),
    ].join('');
    expect(out).toBe(
      ` ✓  worker  test/worker/a.test.ts (3 tests)\n` +
        ` FAIL   worker  test/worker/b.test.ts > refuses\nAssertionError: expected 502 to be 400\n` +
        `uncaught exception; source = Uncaught (in promise); stack = TypeError: boom\n${STACK}\n`,
    );
  });
});
