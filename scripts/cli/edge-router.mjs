#!/usr/bin/env node
// `npx edge-router`: the admin CLI (main.ts), through the launcher so that any Node >= 18 runs it.

import { launch } from '../launch.mjs';

await launch('scripts/cli/main.ts', process.argv.slice(2));
