// Command-line flags of `npm run bench`.

import path from 'node:path';
import { REPO_ROOT } from '../lib/stack.ts';
import { HARNESS_NAMES, type HarnessName } from './harness.ts';

export const SECTION_KEYS = [
  'compare',
  'latency',
  'floor',
  'ttft',
  'guard',
  'gaps',
  'throughput',
  'admission',
  'scaling',
] as const;
export type SectionKey = (typeof SECTION_KEYS)[number];
/** What `npm run bench` runs without --sections: the comparison table (issue 12), where the time goes, the guard's cost. */
export const DEFAULT_SECTIONS: SectionKey[] = ['compare', 'floor', 'guard'];

export interface CliOptions {
  smoke: boolean;
  profile: boolean;
  /** Sections to run (default: DEFAULT_SECTIONS; smoke: all). */
  sections: SectionKey[];
  /** Bench another copy of the router (miniflare only), e.g. a patched checkout. */
  workerDir: string | null;
  harnesses: HarnessName[];
  out: string;
  help: boolean;
}

export const USAGE = `Usage: npm run bench -- [--smoke] [--harness miniflare|wrangler|both] [--out <file>]
                        [--sections <list>|all] [--profile] [--worker-dir <dir>]

  --smoke             a few seconds in all: tiny request counts, one harness (miniflare), every section
  --harness <name>    miniflare (router bundle on workerd, direct socket; the default), wrangler (wrangler dev), or both
  --out <file>        JSON results file (default bench-results/latest.json; smoke: bench-results/smoke.json)
  --sections <list>   only these sections, comma-separated, or all: ${SECTION_KEYS.join(',')}
                      (default: ${DEFAULT_SECTIONS.join(',')}; compare runs on the miniflare harness only)
  --profile           also CPU-profile the router isolate at C=16 (a separate miniflare run with the
                      inspector open; writes <out>.router.cpuprofile)
  --worker-dir <dir>  bench the router in <dir> (wrangler.toml, src/, migrations/, node_modules reachable
                      from it) instead of this checkout, to compare a change; miniflare only
`;

export function parseArgs(argv: string[]): CliOptions {
  let smoke = false;
  let profile = false;
  let harness: string | undefined;
  let out: string | undefined;
  let sections: SectionKey[] | null = null;
  let workerDir: string | null = null;
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const flag = eq > 0 ? arg.slice(0, eq) : arg;
    const inline = eq > 0 ? arg.slice(eq + 1) : undefined;
    const value = () => {
      if (inline !== undefined) return inline;
      const v = argv[++i];
      if (v === undefined) throw new Error(`${flag} needs a value\n\n${USAGE}`);
      return v;
    };
    switch (flag) {
      case '--smoke':
        smoke = true;
        break;
      case '--profile':
        profile = true;
        break;
      case '--harness':
        harness = value();
        break;
      case '--out':
        out = value();
        break;
      case '--sections': {
        const raw = value().trim();
        const list =
          raw === 'all'
            ? [...SECTION_KEYS]
            : raw
                .split(',')
                .map((s) => s.trim())
                .filter(Boolean);
        const bad = list.filter((s) => !(SECTION_KEYS as readonly string[]).includes(s));
        if (bad.length || list.length === 0)
          throw new Error(`unknown section(s) '${bad.join(',')}'; known: ${SECTION_KEYS.join(',')}`);
        sections = list as SectionKey[];
        break;
      }
      case '--worker-dir':
        workerDir = path.resolve(value());
        break;
      case '--help':
      case '-h':
        help = true;
        break;
      default:
        throw new Error(`unknown argument '${arg}'\n\n${USAGE}`);
    }
  }
  let harnesses: HarnessName[];
  if (harness === undefined) harnesses = ['miniflare'];
  else if (harness === 'both') harnesses = [...HARNESS_NAMES];
  else if ((HARNESS_NAMES as readonly string[]).includes(harness)) harnesses = [harness as HarnessName];
  else throw new Error(`--harness must be miniflare, wrangler or both (got '${harness}')\n\n${USAGE}`);
  if (workerDir && harnesses.includes('wrangler'))
    throw new Error('--worker-dir works with the miniflare harness only');
  const file = out ?? (smoke ? 'bench-results/smoke.json' : 'bench-results/latest.json');
  return {
    smoke,
    profile,
    sections: sections ?? (smoke ? [...SECTION_KEYS] : [...DEFAULT_SECTIONS]),
    workerDir,
    harnesses,
    out: path.resolve(REPO_ROOT, file),
    help,
  };
}
