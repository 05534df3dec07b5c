#!/usr/bin/env node
// `node scripts/node.mjs <script.ts | package command> [args…]`: runs a script of this repo
// (or an installed package's command, e.g. `vitest`) under a Node that runs .ts files,
// bringing one when the running Node is older (see launch.mjs).
// `node scripts/node.mjs --bin-dir` prints the directory of that Node's binary (for shells: .ci/run).

import path from 'node:path';
import { launch, suitableNode } from './launch.mjs';

const [target, ...args] = process.argv.slice(2);
if (!target || target === '--help') {
  process.stderr.write(
    'usage: node scripts/node.mjs <script.ts | command> [args…]  |  node scripts/node.mjs --bin-dir\n',
  );
  process.exit(target ? 0 : 2);
} else if (target === '--bin-dir') {
  try {
    process.stdout.write(`${path.dirname(suitableNode().bin)}\n`);
  } catch (err) {
    process.stderr.write(`edge-llm-router: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  }
} else {
  await launch(target, args);
}
