// `npm run dev`: the router under `wrangler dev` on :8787, the origin emulator on :9100,
// D1 persisted in .wrangler/state, demo endpoints, and a fresh API key to try them with.
// Ctrl-C stops everything.

import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { AdminApiError, type AdminClient, type EndpointCreateInput } from './lib/admin-client.ts';
import { REPO_ROOT, startStack, type Stack } from './lib/stack.ts';

const ROUTER_PORT = 8787;
const ORIGIN_PORT = 9100;
const PERSIST_DIR = '.wrangler/state';
const FALLBACK_TOKEN = 'dev-admin-token';
const CHAT_MODEL = 'meta-llama/Llama-3.1-8B-Instruct';
const EMBEDDING_MODEL = 'BAAI/bge-small-en-v1.5';

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
    return { token: FALLBACK_TOKEN, source: `default '${FALLBACK_TOKEN}' (.dev.vars has no ADMIN_TOKEN)` };
  }
  return { token: FALLBACK_TOKEN, source: `default '${FALLBACK_TOKEN}' (no .dev.vars; copy .dev.vars.example to set one)` };
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

async function main(): Promise<void> {
  const { token, source } = adminToken();
  console.log(`Starting the local stack (admin token: ${source})…`);
  let stack: Stack;
  try {
    stack = await startStack({
      routerPort: ROUTER_PORT,
      originPort: ORIGIN_PORT,
      persistDir: PERSIST_DIR,
      adminToken: token,
      quiet: false,
    });
  } catch (err) {
    console.error(`\nCould not start the stack: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  }

  let stopping = false;
  const shutdown = async (why: string, code: number) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${why}: stopping wrangler dev and the emulator…`);
    await stack.stop();
    process.exit(code);
  };
  process.on('SIGINT', () => void shutdown('Ctrl-C', 0));
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
    const key = await stack.admin.createKey({ description: `npm run dev, ${new Date().toISOString()}` });
    const base = stack.routerUrl;
    console.log(`
────────────────────────────────────────────────────────────────────────
 edge-llm-router dev stack
   router      ${base}   (admin API: ${base}/admin/v1)
   emulator    ${stack.originUrl}   (stats: ${stack.originUrl}/__stats)
   admin token ${source}
   endpoints   demo (${demo}), demo-embeddings (${embeddings})
   dev API key ${key.key}   (id ${key.id}, new on every start)

 curl:
   curl ${base}/v1/chat/completions -H 'Authorization: Bearer ${key.key}' -H 'Content-Type: application/json' -d '{"model":"demo","messages":[{"role":"user","content":"Hello!"}]}'

 openai SDK:
   import OpenAI from 'openai';
   const client = new OpenAI({ apiKey: '${key.key}', baseURL: '${base}/v1' });
   console.log((await client.chat.completions.create({ model: 'demo', messages: [{ role: 'user', content: 'Hello!' }] })).choices[0].message.content);

 Ctrl-C stops everything. D1 data persists in ${PERSIST_DIR}.
────────────────────────────────────────────────────────────────────────
`);
  } catch (err) {
    console.error(`Setting up the demo endpoints failed: ${err instanceof Error ? err.message : String(err)}`);
    await shutdown('Setup failed', 1);
  }
}

await main();
