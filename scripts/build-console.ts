// Builds the web console into dist/web/, the Workers Static Assets directory (wrangler.toml `[assets]`):
//   dist/web/index.html          console/index.html as it is
//   dist/web/console/app.js      console/src/main.ts and everything it imports, bundled for the browser
//   dist/web/console/app.css     every CSS file those modules import (console/src/style.css, uplot's, …)
//
// Run by wrangler before `wrangler dev` / `wrangler deploy` (wrangler.toml `[build]`), by the local stack
// (scripts/lib/stack.ts) and by vitest.config.ts, so every way of running the Worker has a fresh bundle.
// `node scripts/build-console.ts` runs it by hand.

import { copyFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const ROOT = path.resolve(import.meta.dirname, '..');
export const CONSOLE_SOURCE = path.join(ROOT, 'console');
export const ASSETS_DIR = path.join(ROOT, 'dist', 'web');

/**
 * Files are overwritten in place (never the directory removed first), so a `wrangler dev` serving
 * dist/web while it is rebuilt never finds it missing.
 */
export async function buildConsole(): Promise<void> {
  await mkdir(path.join(ASSETS_DIR, 'console'), { recursive: true });
  await build({
    entryPoints: { app: path.join(CONSOLE_SOURCE, 'src', 'main.ts') },
    outdir: path.join(ASSETS_DIR, 'console'),
    bundle: true,
    format: 'esm',
    target: 'es2022',
    platform: 'browser',
    minify: true,
    sourcemap: false,
    legalComments: 'none',
    logLevel: 'warning',
  });
  await copyFile(path.join(CONSOLE_SOURCE, 'index.html'), path.join(ASSETS_DIR, 'index.html'));
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await buildConsole();
  console.log(`console built into ${path.relative(process.cwd(), ASSETS_DIR) || '.'}`);
}
