// `npm run dev`: the router under `wrangler dev` on :8787, the origin emulator on :9100,
// D1 persisted in .wrangler/state, demo endpoints, their origins probed at once (and every
// minute, as the Cron Trigger does in production), and a dev API key kept across restarts.
// Ctrl-C (or SIGTERM to npm) stops everything.
//
// Flags (for running a second stack, or tests): --port <n> (router, 0 = any free port),
// --origin-port <n>, --persist-to <dir>.

import { existsSync, readFileSync } from 'node:fs';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { AdminApiError, type AdminClient, type CreatedKey, type EndpointCreateInput } from './lib/admin-client.ts';
import { REPO_ROOT, startStack, type Stack } from './lib/stack.ts';

const DEFAULT_ROUTER_PORT = 8787;
const DEFAULT_ORIGIN_PORT = 9100;
const DEFAULT_PERSIST_DIR = '.wrangler/state';
/** Also what .dev.vars.example sets, and what the README's CLI section exports. */
const FALLBACK_TOKEN = 'dev-admin-token';
const CHAT_MODEL = 'meta-llama/Llama-3.1-8B-Instruct';
const EMBEDDING_MODEL = 'BAAI/bge-small-en-v1.5';
/** The Cron Trigger's schedule (wrangler.toml), as wrangler dev's test route takes it. */
const CRON = '* * * * *';
const PROBE_EVERY_MS = 60_000;
/** Where the dev key is kept between starts (inside the persisted state, which is gitignored). */
const DEV_KEY_FILE = 'dev-key.json';

/** Reads KEY=VALUE lines (optionally quoted) from a .dev.vars file. */
function readDevVars(file: string): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const raw of readFileSync(file, 'utf8').split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const m = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(line);
    if (!m) continue;
    let value = m[2] ?? '';
    const quoted = /^(['"])(.*)\1$/.exec(value);
    if (quoted) value = quoted[2] ?? '';
    vars[m[1]!] = value;
  }
  return vars;
}

function adminToken(): { token: string; source: string } {
  const file = path.join(REPO_ROOT, '.dev.vars');
  if (existsSync(file)) {
    const token = readDevVars(file).ADMIN_TOKEN;
    if (token) return { token, source: '.dev.vars (ADMIN_TOKEN)' };
    return { token: FALLBACK_TOKEN, source: `default (.dev.vars has no ADMIN_TOKEN)` };
  }
  return { token: FALLBACK_TOKEN, source: `default (no .dev.vars; copy .dev.vars.example to set one)` };
}

function options(): { routerPort: number; originPort: number; persistDir: string } {
  const { values } = parseArgs({
    options: { port: { type: 'string' }, 'origin-port': { type: 'string' }, 'persist-to': { type: 'string' } },
    strict: true,
  });
  const port = (value: string | undefined, fallback: number, flag: string): number => {
    if (value === undefined) return fallback;
    const n = Number(value);
    if (!Number.isInteger(n) || n < 0 || n > 65_535)
      throw new Error(`--${flag} must be a port number (0 picks a free one), not '${value}'`);
    return n;
  };
  return {
    routerPort: port(values.port, DEFAULT_ROUTER_PORT, 'port'),
    originPort: port(values['origin-port'], DEFAULT_ORIGIN_PORT, 'origin-port'),
    persistDir: values['persist-to'] ?? DEFAULT_PERSIST_DIR,
  };
}

/** Creates the endpoint unless one of that name exists already (then it is left as it is). */
async function ensureEndpoint(admin: AdminClient, input: EndpointCreateInput): Promise<'created' | 'kept'> {
  if (await admin.findEndpoint(input.name)) return 'kept';
  try {
    await admin.createEndpoint(input);
    return 'created';
  } catch (err) {
    if (err instanceof AdminApiError && err.status === 409) return 'kept';
    throw err;
  }
}

/**
 * The dev key of the last start when it is still active in this D1 (kept in the persisted
 * state next to it), else a new one, saved for the next start. So restarts do not pile up keys.
 */
async function devKey(
  admin: AdminClient,
  persistDir: string,
): Promise<{ key: CreatedKey | { id: string; key: string }; kept: boolean }> {
  const file = path.join(persistDir, DEV_KEY_FILE);
  try {
    const saved = JSON.parse(await readFile(file, 'utf8')) as { id?: unknown; key?: unknown };
    if (typeof saved.id === 'string' && typeof saved.key === 'string') {
      const info = await admin.getKey(saved.id);
      if (info.status === 'active') return { key: { id: saved.id, key: saved.key }, kept: true };
    }
  } catch (err) {
    if (err instanceof AdminApiError && err.status !== 404) throw err;
    // no file yet, an unreadable one, or a key this D1 no longer has: make a new one
  }
  const key = await admin.createKey({ description: 'npm run dev' });
  await mkdir(persistDir, { recursive: true });
  await writeFile(file, JSON.stringify({ id: key.id, key: key.key }) + '\n', { mode: 0o600 });
  await chmod(file, 0o600);
  return { key, kept: false };
}

/** A path as the user gave it: relative inside the repo, absolute elsewhere. */
function shownPath(dir: string): string {
  const rel = path.relative(REPO_ROOT, dir);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : dir;
}

/** Runs the scheduled handler (the origin probes) now, through wrangler dev's test route. */
async function probeOrigins(routerUrl: string): Promise<void> {
  const res = await fetch(`${routerUrl}/__scheduled?cron=${encodeURIComponent(CRON)}`, {
    signal: AbortSignal.timeout(30_000),
  });
  await res.body?.cancel();
  if (!res.ok) throw new Error(`the scheduled handler answered HTTP ${res.status}`);
}

/** The web console's URL, when this router serves one at `/` (an HTML page). */
async function consoleUrl(routerUrl: string): Promise<string | null> {
  try {
    const res = await fetch(`${routerUrl}/`, { signal: AbortSignal.timeout(5_000) });
    await res.body?.cancel();
    return res.ok && (res.headers.get('content-type') ?? '').includes('text/html') ? `${routerUrl}/` : null;
  } catch {
    return null;
  }
}

async function main(): Promise<void> {
  let opts: ReturnType<typeof options>;
  try {
    opts = options();
  } catch (err) {
    console.error(`npm run dev: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(2);
  }
  const { token, source } = adminToken();
  console.log(`Starting the local stack (admin token: ${source})…`);
  let stack: Stack;
  try {
    stack = await startStack({
      routerPort: opts.routerPort === 0 ? undefined : opts.routerPort,
      originPort: opts.originPort,
      persistDir: opts.persistDir,
      adminToken: token,
      testScheduled: true,
      quiet: false,
    });
  } catch (err) {
    console.error(`\nCould not start the stack: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  }

  let stopping = false;
  let prober: ReturnType<typeof setInterval> | undefined;
  const shutdown = async (why: string, code: number) => {
    if (stopping) return;
    stopping = true;
    clearInterval(prober);
    console.log(`\n${why}: stopping wrangler dev and the emulator…`);
    await stack.stop();
    process.exit(code);
  };
  process.on('SIGINT', () => void shutdown('SIGINT', 0));
  process.on('SIGTERM', () => void shutdown('SIGTERM', 0));
  process.on('SIGHUP', () => void shutdown('SIGHUP', 0));
  void stack.exited.then((how) => shutdown(`wrangler dev ended on its own (${how})`, 1));

  try {
    const demo = await ensureEndpoint(stack.admin, {
      name: 'demo',
      description: 'Chat and completions on the local origin emulator (vLLM flavour)',
      served_entities: [
        { name: 'llama-8b', protocol: 'openai', model: CHAT_MODEL, origins: [{ url: stack.originUrl }] },
      ],
    });
    const embeddings = await ensureEndpoint(stack.admin, {
      name: 'demo-embeddings',
      description: 'Embeddings on the local origin emulator',
      served_entities: [
        { name: 'bge-small', protocol: 'openai', model: EMBEDDING_MODEL, origins: [{ url: stack.originUrl }] },
      ],
    });
    // Probe now, so endpoint info shows real origin health from the start; then as the cron does.
    await probeOrigins(stack.routerUrl);
    prober = setInterval(() => void probeOrigins(stack.routerUrl).catch(() => undefined), PROBE_EVERY_MS);
    prober.unref();
    const { key, kept } = await devKey(stack.admin, stack.persistDir);
    const base = stack.routerUrl;
    const ui = await consoleUrl(base);
    console.log(`
────────────────────────────────────────────────────────────────────────
 edge-llm-router dev stack
   router      ${base}   (admin API: ${base}/admin/v1)
   API docs    ${base}/docs
${ui ? `   console     ${ui}\n` : ''}   emulator    ${stack.originUrl}   (stats: ${stack.originUrl}/__stats)
   admin token ${token}   (${source})
   endpoints   demo (${demo}), demo-embeddings (${embeddings}); origins probed every minute
   dev API key ${key.key}   (id ${key.id}, ${kept ? 'kept from the last start' : 'new; kept for the next start'})

 In another shell (the README's snippets and the CLI read these):
   export EDGE_ROUTER_URL=${base}
   export EDGE_ROUTER_API_KEY=${key.key}
   export EDGE_ROUTER_ADMIN_TOKEN=${token}

 curl:
   curl ${base}/v1/chat/completions -H "Authorization: Bearer $EDGE_ROUTER_API_KEY" -H 'Content-Type: application/json' -d '{"model":"demo","messages":[{"role":"user","content":"Hello!"}]}'

 Ctrl-C stops everything. D1 data persists in ${shownPath(stack.persistDir)}.
────────────────────────────────────────────────────────────────────────
`);
  } catch (err) {
    console.error(`Setting up the demo endpoints failed: ${err instanceof Error ? err.message : String(err)}`);
    await shutdown('Setup failed', 1);
  }
}

await main();
