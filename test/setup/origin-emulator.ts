import type { TestProject } from 'vitest/node';
import { startOrigin } from '../origin/server.ts';
import { SERVED_NAMES } from '../origin/served-name.ts';

/** One origin emulator (real vLLM / TGI wire formats) on a free port for the whole worker suite. */
export default async function setup(project: TestProject) {
  const origin = await startOrigin({ port: 0, host: '127.0.0.1', servedNames: [...SERVED_NAMES] });
  project.provide('originUrl', origin.url);
  return () => origin.close();
}
