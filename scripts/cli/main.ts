#!/usr/bin/env node
// edge-router: the admin CLI of the edge LLM router. See `edge-router --help`.

import { runCli } from './run.ts';

// `edge-router endpoint list | head`: a closed pipe ends the output, not with a stack trace.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw err;
});

process.exitCode = await runCli(process.argv.slice(2), {
  env: process.env,
  io: {
    stdout: (text) => void process.stdout.write(text),
    stderr: (text) => void process.stderr.write(text),
  },
});
