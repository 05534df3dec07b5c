// The console's budget: everything the browser downloads for it, gzipped, stays under 150 KB.
// (vitest.config.ts builds dist/web before any test runs.)

import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { ASSETS_DIR } from '../../scripts/build-console.ts';

async function files(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const nested = await Promise.all(
    entries.map((e) => (e.isDirectory() ? files(path.join(dir, e.name)) : [path.join(dir, e.name)])),
  );
  return nested.flat();
}

describe('console bundle', () => {
  it('is one script, one stylesheet and the page, under 150 KB gzipped together', async () => {
    const all = await files(ASSETS_DIR);
    expect(all.map((f) => path.relative(ASSETS_DIR, f)).sort()).toEqual([
      'console/app.css',
      'console/app.js',
      'index.html',
    ]);
    let gzipped = 0;
    for (const file of all) gzipped += gzipSync(await readFile(file), { level: 9 }).length;
    expect(gzipped).toBeGreaterThan(1_000);
    expect(gzipped).toBeLessThan(150 * 1024);
  });

  it('carries no schema code: the console takes the API types from the router type-only (src/api-types.ts)', async () => {
    const script = await readFile(path.join(ASSETS_DIR, 'console/app.js'), 'utf8');
    // zod's runtime names every schema class `$Zod…` and keeps its internals under `_zod`.
    expect(script).not.toMatch(/\$Zod|_zod\b|ZodError/);
  });

  it('loads nothing from another origin', async () => {
    for (const file of await files(ASSETS_DIR)) {
      const text = await readFile(file, 'utf8');
      expect(text, file).not.toMatch(/(src|href)=["']?(https?:)?\/\//);
      expect(text, file).not.toMatch(/@import\s+url\(\s*["']?https?:/);
    }
  });
});
