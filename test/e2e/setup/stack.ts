// vitest globalSetup of the e2e project: one local stack (origin emulator + `wrangler dev`
// on free ports, D1 in a fresh temp dir) shared by every e2e test file.
//
// wrangler's output is kept out of the test report; it is written to
// .wrangler/e2e/wrangler.log at teardown (and shown if the stack fails to start).
// E2E_WRANGLER_LOG=1 echoes it live instead.

import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { REPO_ROOT, startStack } from '../../../scripts/lib/stack.ts';
import { EMULATOR_ANTHROPIC_KEY, EMULATOR_OPENAI_KEY } from '../../origin/provider-keys.ts';

/** A key the emulated OpenAI refuses (for the provider-401 test). */
export const E2E_WRONG_OPENAI_KEY = 'sk-proj-e2e-wrong-key-5566778899';

/** A name the emulator also serves its chat model under (vLLM's --served-model-name). */
export const E2E_SERVED_NAME = 'e2e-served';

/** Small on purpose: errors.test.ts sends a body just over it (413). */
export const E2E_MAX_BODY_BYTES = 65_536;

export default async function setup({ provide }: TestProject): Promise<() => Promise<void>> {
  const stack = await startStack({
    quiet: process.env.E2E_WRANGLER_LOG !== '1',
    // An endpoint of this name needs no model rename: its streams pass through natively (pass-through.test.ts).
    servedModelNames: [E2E_SERVED_NAME],
    // Metrics flush a quarter second after a request, so Prometheus sees them quickly.
    vars: {
      MAX_BODY_BYTES: String(E2E_MAX_BODY_BYTES),
      METRICS_FLUSH_MS: '250',
      EXTERNAL_SECRETS: 'OPENAI_API_KEY,ANTHROPIC_API_KEY,WRONG_OPENAI_KEY',
    },
    // The emulated providers' keys, as the secrets external models reference.
    secrets: {
      OPENAI_API_KEY: EMULATOR_OPENAI_KEY,
      ANTHROPIC_API_KEY: EMULATOR_ANTHROPIC_KEY,
      WRONG_OPENAI_KEY: E2E_WRONG_OPENAI_KEY,
    },
  });
  provide('routerUrl', stack.routerUrl);
  provide('originUrl', stack.originUrl);
  provide('adminToken', stack.adminToken);

  return async () => {
    await stack.stop();
    const logFile = path.join(REPO_ROOT, '.wrangler', 'e2e', 'wrangler.log');
    try {
      await mkdir(path.dirname(logFile), { recursive: true });
      await writeFile(logFile, stack.logs() + '\n');
    } catch {
      // the log is a convenience
    }
    // wrangler names the secrets it loaded, and the router logs every request: neither may show a secret's value.
    const leaked = [EMULATOR_OPENAI_KEY, EMULATOR_ANTHROPIC_KEY, E2E_WRONG_OPENAI_KEY].filter((secret) =>
      stack.logs().includes(secret),
    );
    if (leaked.length) throw new Error(`wrangler dev's output contains ${leaked.length} secret value(s)`);
  };
}
