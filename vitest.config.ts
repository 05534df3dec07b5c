import path from 'node:path';
import { cloudflareTest, readD1Migrations } from '@cloudflare/vitest-plugin';
import { defineConfig } from 'vitest/config';
import { buildConsole } from './scripts/build-console.ts';
import { filterRuntimeNoise } from './test/setup/runtime-noise.ts';
import { EMULATOR_ANTHROPIC_KEY, EMULATOR_OPENAI_KEY } from './test/origin/provider-keys.ts';

const root = import.meta.dirname;

// workerd's "Network connection lost" diagnostics for connections the tests drop on purpose.
filterRuntimeNoise(process.stderr);
filterRuntimeNoise(process.stdout);

/** The router's per-request log lines: one per request (src/metrics/request-log.ts) and per guard check. */
const isRequestLogLine = (log: string) => log.startsWith('{"msg":"request",') || log.startsWith('{"msg":"guardrail",');

export default defineConfig(async () => {
  // The web console's bundle (dist/web, wrangler.toml `[assets]`): the worker pool serves it, the browser tests load it.
  await buildConsole();
  const migrations = await readD1Migrations(path.join(root, 'migrations'));
  return {
    test: {
      // The router logs one JSON line per request (and per guard check); thousands of them (fault
      // injection) would bury the report. Only those are dropped: anything else a test or the worker prints still shows.
      // (A root-level option: vitest ignores it inside a project.)
      onConsoleLog: (log: string) => !isRequestLogLine(log),
      projects: [
        {
          // Inside workerd, against the real D1 and the real gate Durable Object.
          plugins: [
            cloudflareTest({
              wrangler: { configPath: path.join(root, 'wrangler.toml') },
              miniflare: {
                bindings: {
                  TEST_MIGRATIONS: migrations,
                  ADMIN_TOKEN: 'test-admin-token',
                  // Ejections of 1 s (not 10 s): the health tests wait one out to watch the half-open trial.
                  OUTLIER_BASE_EJECTION_MS: '1000',
                  // First-byte timeouts count from 2 s (not 10 s): above the 1 s an endpoint may set, so a test shows
                  // an endpoint's own 1 s timeout ejecting nothing.
                  OUTLIER_FIRST_BYTE_MS: '2000',
                  // Metrics flush half a second after a request, so tests see them quickly.
                  METRICS_FLUSH_MS: '500',
                  // The completion limit a token budget sets when a request has none: within the emulator's
                  // 4096-token context (an origin refuses prompt + limit beyond its context, as vLLM and TGI do).
                  TOKEN_BUDGET_DEFAULT_MAX_TOKENS: '1000',
                  // External models' secrets: the emulated providers' keys, one wrong key, and a granted one left unset.
                  OPENAI_API_KEY: EMULATOR_OPENAI_KEY,
                  ANTHROPIC_API_KEY: EMULATOR_ANTHROPIC_KEY,
                  WRONG_OPENAI_KEY: 'sk-proj-not-the-right-key-9876543210',
                  EXTERNAL_SECRETS:
                    'OPENAI_API_KEY, ANTHROPIC_API_KEY, WRONG_OPENAI_KEY, UNSET_API_KEY, ACME_API_KEY:acme',
                },
              },
            }),
          ],
          test: {
            name: 'worker',
            include: ['test/worker/**/*.test.ts', 'test/unit/**/*.test.ts'],
            setupFiles: ['test/worker/setup/apply-migrations.ts'],
            globalSetup: ['test/setup/origin-emulator.ts'],
          },
        },
        {
          // Node: the origin emulator's own tests, the end-to-end suite (wrangler dev + openai SDK) and the
          // console's browser tests (Debian's Chromium through playwright-core, against the same stack).
          test: {
            name: 'e2e',
            environment: 'node',
            include: ['test/origin/**/*.test.ts', 'test/e2e/**/*.test.ts', 'test/browser/**/*.test.ts'],
            globalSetup: ['test/e2e/setup/stack.ts'],
            testTimeout: 30_000,
            hookTimeout: 120_000,
          },
        },
      ],
    },
  };
});
