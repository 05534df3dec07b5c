// The admin CLI (scripts/cli) as a user runs it: a child process against the e2e stack's
// `wrangler dev`, checked through its output, its exit status and the admin API.

import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { CreatedKey, ListResponse, SelfHostedEndpoint as Endpoint } from '../../scripts/lib/admin-client.ts';
import { mergeTags, entityNameFor } from '../../scripts/cli/endpoint/spec.ts';
import { renderFields, renderTable } from '../../scripts/cli/table.ts';
import { admin, CHAT_MODEL, closedPort, originUrl, uniqueName } from './helpers.ts';

const CLI = path.resolve(import.meta.dirname, '..', '..', 'scripts', 'cli', 'main.ts');

interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

interface CliOptions {
  /** Add --url and --token of the e2e stack (default true). */
  auth?: boolean;
  env?: Record<string, string>;
  stdin?: string;
}

/** Runs `edge-router <args>` to its end. The caller's EDGE_ROUTER_* variables are not passed on. */
function cli(args: string[], opts: CliOptions = {}): Promise<CliResult> {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', ...opts.env };
  if (!opts.env || !('EDGE_ROUTER_URL' in opts.env)) delete env.EDGE_ROUTER_URL;
  if (!opts.env || !('EDGE_ROUTER_ADMIN_TOKEN' in opts.env)) delete env.EDGE_ROUTER_ADMIN_TOKEN;
  const auth = (opts.auth ?? true) ? ['--url', inject('routerUrl'), '--token', inject('adminToken')] : [];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args, ...auth], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(opts.stdin ?? '');
  });
}

/** The run must have succeeded; its stdout. */
async function ok(args: string[], opts?: CliOptions): Promise<string> {
  const result = await cli(args, opts);
  expect(result.stderr).toBe('');
  expect(result.code, `edge-router ${args.join(' ')}\n${result.stderr}`).toBe(0);
  return result.stdout;
}

async function okJson<T>(args: string[], opts?: CliOptions): Promise<T> {
  return JSON.parse(await ok([...args, '--json'], opts)) as T;
}

const count = (haystack: string, needle: string) => haystack.split(needle).length - 1;

describe('edge-router help and usage', () => {
  it('prints help at every level on stdout, exit 0', async () => {
    const top = await ok(['--help'], { auth: false });
    expect(top).toContain('Usage: edge-router <group> <command>');
    expect(top).toContain('endpoint create');
    expect(top).toContain('key revoke <id>');

    expect(await ok(['key', '--help'], { auth: false })).toContain('Usage: edge-router key <command>');
    const create = await ok(['endpoint', 'create', '-h'], { auth: false });
    expect(create).toContain('Usage: edge-router endpoint create');
    expect(create).toContain('--model MODEL');
    expect(create).toContain('--from-file FILE');
    expect(await ok(['help', 'key', 'add'], { auth: false })).toContain('--concurrency-limit N');
  });

  it('refuses a bad command line with exit 2 and the usage on stderr', async () => {
    const none = await cli([], { auth: false });
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('Usage: edge-router <group> <command>');

    const group = await cli(['endpoints', 'list']);
    expect(group.code).toBe(2);
    expect(group.stderr).toContain("unknown command group 'endpoints'");

    const option = await cli(['endpoint', 'list', '--verbose']);
    expect(option.code).toBe(2);
    expect(option.stderr).toContain("Unknown option '--verbose'");
    expect(option.stderr).toContain('Usage: edge-router endpoint list');

    const missing = await cli(['endpoint', 'create', uniqueName('cli-usage'), '--model', CHAT_MODEL]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('--model and at least one --origin are required');
    expect(missing.stderr).toContain('Usage: edge-router endpoint create');

    const number = await cli(['endpoint', 'update', 'x', '--temperature', 'warm']);
    expect(number.code).toBe(2);
    expect(number.stderr).toContain("--temperature expects a number, got 'warm'");

    const positional = await cli(['key', 'info']);
    expect(positional.code).toBe(2);
    expect(positional.stderr).toContain('missing <id>');
    expect(positional.stdout).toBe('');
  });

  it('needs an admin token: exit 2 with a clear message when there is none', async () => {
    const result = await cli(['endpoint', 'list', '--url', inject('routerUrl')], { auth: false });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('no admin token');
    expect(result.stderr).toContain('EDGE_ROUTER_ADMIN_TOKEN');
  });

  it('takes the URL and token from EDGE_ROUTER_URL and EDGE_ROUTER_ADMIN_TOKEN', async () => {
    const list = await okJson<ListResponse<Endpoint>>(['endpoint', 'list'], {
      auth: false,
      env: { EDGE_ROUTER_URL: inject('routerUrl'), EDGE_ROUTER_ADMIN_TOKEN: inject('adminToken') },
    });
    expect(list.object).toBe('list');
  });
});

describe('edge-router endpoint', () => {
  const name = uniqueName('cli-ep');
  const origin = originUrl();

  it('create: the endpoint exists with the given fields', async () => {
    const out = await ok([
      'endpoint',
      'create',
      name,
      '--model',
      CHAT_MODEL,
      '--origin',
      origin,
      '--origin',
      `${origin}/mode/slow/5`,
      '--protocol',
      'openai',
      '--description',
      'made by the CLI test',
      '--system-prompt',
      'Be brief.',
      '--temperature',
      '0.7',
      '--max-tokens',
      '64',
      '--tag',
      'team=ml',
      '--tag',
      'env=dev',
    ]);
    expect(out).toContain(`Created endpoint '${name}'`);
    // Its First Key, printed once: it calls the endpoint straight away.
    const firstKey = /^ {4}(sk-rt-\S+)$/m.exec(out)?.[1];
    expect(firstKey).toBeTruthy();
    const firstCall = await fetch(`${inject('routerUrl')}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${firstKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: name, messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(firstCall.status).toBe(200);
    expect(out).toContain('config version  1');

    const endpoint = await admin().getEndpoint(name);
    expect(endpoint.description).toBe('made by the CLI test');
    expect(endpoint.served_entities).toEqual([
      {
        name: 'Llama-3.1-8B-Instruct',
        protocol: 'openai',
        model: CHAT_MODEL,
        origins: [{ url: origin }, { url: `${origin}/mode/slow/5` }],
      },
    ]);
    expect(endpoint.defaults).toEqual({ system_prompt: 'Be brief.', temperature: 0.7, max_tokens: 64 });
    expect(endpoint.tags).toEqual([
      { key: 'team', value: 'ml' },
      { key: 'env', value: 'dev' },
    ]);
  });

  it('list: a table with the endpoint; --json is the API answer', async () => {
    const table = await ok(['endpoint', 'list']);
    const lines = table.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^NAME\s+STATE\s+VERSION\s+PROTOCOL\s+MODEL\s+ORIGINS\s+UPDATED\s+DESCRIPTION$/);
    const row = lines.find((l) => l.startsWith(`${name} `));
    expect(row).toMatch(new RegExp(`^${name}\\s+ready\\s+1\\s+openai\\s+${CHAT_MODEL.replace(/[.]/g, '\\.')}\\s+2\\s`));
    // Aligned: every column starts where its header does.
    expect(row!.indexOf('ready')).toBe(lines[0]!.indexOf('STATE'));

    const json = await okJson<ListResponse<Endpoint>>(['endpoint', 'list']);
    expect(json.object).toBe('list');
    expect(json.data.find((e) => e.name === name)).toEqual(
      (await admin().listEndpoints()).find((e) => e.name === name),
    );
  });

  it('info: the config in a readable form; --json is the API answer', async () => {
    const out = await ok(['endpoint', 'info', name]);
    expect(out).toMatch(new RegExp(`^name\\s+${name}$`, 'm'));
    expect(out).toMatch(/^state\s+ready$/m);
    expect(out).toMatch(/^config version\s+1$/m);
    expect(out).toContain('temperature=0.7');
    expect(out).toContain('team=ml');
    expect(out).toContain(`${origin}/mode/slow/5`);
    // Each origin's last known health (unknown until a probe or a failed request marks it).
    expect(out).toMatch(/\bHEALTH$/m);
    expect(out).toMatch(new RegExp(`${origin}/mode/slow/5\\s+(unknown|healthy|unhealthy)`));
    expect(await okJson<Endpoint>(['endpoint', 'info', name])).toEqual(await admin().getEndpoint(name));
  });

  it('update: only the given fields change, in a new config version', async () => {
    const out = await ok(['endpoint', 'update', name, '--temperature', '0.2', '--tag', 'env=prod']);
    expect(out).toContain('config version 1 → 2');
    expect(out).toContain('temperature=0.2');
    expect(out).toContain('env=prod');

    const endpoint = (await admin().getEndpoint(name)) as unknown as Endpoint;
    expect(endpoint.config_version).toBe(2);
    expect(endpoint.defaults).toEqual({ system_prompt: 'Be brief.', temperature: 0.2, max_tokens: 64 });
    expect(endpoint.tags).toEqual([
      { key: 'team', value: 'ml' },
      { key: 'env', value: 'prod' },
    ]);
    expect(endpoint.served_entities[0]!.origins).toHaveLength(2);
    expect(endpoint.description).toBe('made by the CLI test');

    const replaced = await okJson<Endpoint>([
      'endpoint',
      'update',
      name,
      '--origin',
      origin,
      '--description',
      'one origin',
    ]);
    expect(replaced.config_version).toBe(3);
    expect(replaced.description).toBe('one origin');
    expect(replaced.served_entities[0]!.origins).toEqual([{ url: origin }]);
    expect(replaced.served_entities[0]!.model).toBe(CHAT_MODEL);
    expect(replaced.defaults.temperature).toBe(0.2);

    const info = await ok(['endpoint', 'info', name]);
    expect(info).toMatch(/^config version\s+3$/m);
    expect(info).toMatch(/^description\s+one origin$/m);
  });

  it('update whose new origins are not healthy yet: says which version serves and which is pending', async () => {
    const pendingName = uniqueName('cli-pending');
    await ok(['endpoint', 'create', pendingName, '--model', CHAT_MODEL, '--origin', originUrl()]);
    const dead = `http://127.0.0.1:${await closedPort()}`;
    const out = await ok(['endpoint', 'update', pendingName, '--origin', dead]);
    const endpoint = await admin().getEndpoint(pendingName);
    expect(endpoint).toMatchObject({ config_version: 1, pending_version: 2, config_update: 'in_progress' });
    expect(out).toContain(
      `Updated endpoint '${pendingName}': config version 2 is pending (it serves once its origins pass a health probe); version 1 keeps serving.`,
    );
    expect(out).not.toContain('→');
    await ok(['endpoint', 'delete', pendingName, '--yes']);
  });

  it('update with nothing to change is a usage error, and nothing is written', async () => {
    const result = await cli(['endpoint', 'update', name]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('nothing to change');
    expect((await admin().getEndpoint(name)).config_version).toBe(3);
  });

  it('stop and start change the state', async () => {
    expect(await ok(['endpoint', 'stop', name])).toContain(`Endpoint '${name}' is stopped.`);
    expect((await admin().getEndpoint(name)).state).toBe('stopped');
    expect(await ok(['endpoint', 'info', name])).toMatch(/^state\s+stopped$/m);
    expect((await okJson<Endpoint>(['endpoint', 'start', name])).state).toBe('ready');
    expect((await admin().getEndpoint(name)).state).toBe('ready');
  });

  it('delete: refused without --yes (exit 2), done with it', async () => {
    const refused = await cli(['endpoint', 'delete', name]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('without --yes');
    expect(await admin().findEndpoint(name)).not.toBeNull();

    expect(await ok(['endpoint', 'delete', name, '--yes'])).toContain(`Deleted endpoint '${name}'.`);
    expect(await admin().findEndpoint(name)).toBeNull();
  });
});

describe('edge-router endpoint --from-file', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'edge-router-cli-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('create takes the full body from the file, the name and flags over it; update keeps the traffic split', async () => {
    const name = uniqueName('cli-file');
    const spec = path.join(dir, 'spec.json');
    await writeFile(
      spec,
      JSON.stringify({
        name: 'overridden-by-the-argument',
        description: 'from the file',
        served_entities: [
          { name: 'a', protocol: 'openai', model: CHAT_MODEL, origins: [{ url: originUrl(), weight: 3 }] },
          { name: 'b', protocol: 'openai', model: CHAT_MODEL, origins: [{ url: originUrl() }] },
        ],
        traffic: [
          { served_entity: 'a', percentage: 80 },
          { served_entity: 'b', percentage: 20 },
        ],
        timeouts: { total_ms: 30_000 },
        defaults: { top_p: 0.9 },
      }),
    );
    const created = await okJson<Endpoint>([
      'endpoint',
      'create',
      name,
      '--from-file',
      spec,
      '--description',
      'flag wins',
      '--temperature',
      '1',
    ]);
    expect(created.name).toBe(name);
    expect(created.description).toBe('flag wins');
    expect(created.served_entities[0]!.origins).toEqual([{ url: originUrl(), weight: 3 }]);
    expect(created.timeouts).toEqual({ total_ms: 30_000 });
    expect(created.defaults).toEqual({ top_p: 0.9, temperature: 1 });

    // Two served entities: a model change must say which one.
    const ambiguous = await cli(['endpoint', 'update', name, '--model', 'other-model']);
    expect(ambiguous.code).toBe(2);
    expect(ambiguous.stderr).toContain('name the one to change with --entity');

    const updated = await okJson<Endpoint>(['endpoint', 'update', name, '--entity', 'b', '--model', 'other-model']);
    expect(updated.served_entities.map((s) => s.model)).toEqual([CHAT_MODEL, 'other-model']);
    expect(updated.traffic).toEqual([
      { served_entity: 'a', percentage: 80 },
      { served_entity: 'b', percentage: 20 },
    ]);

    // A PATCH body on stdin.
    const patched = await okJson<Endpoint>(['endpoint', 'update', name, '--from-file', '-'], {
      stdin: JSON.stringify({ tags: [{ key: 'source', value: 'stdin' }], timeouts: { idle_ms: 5_000 } }),
    });
    expect(patched.config_version).toBe(3);
    expect(patched.tags).toEqual([{ key: 'source', value: 'stdin' }]);
    expect(patched.timeouts).toEqual({ idle_ms: 5_000 });

    const bad = path.join(dir, 'bad.json');
    await writeFile(bad, '{ "description": ');
    const invalid = await cli(['endpoint', 'update', name, '--from-file', bad]);
    expect(invalid.code).toBe(2);
    expect(invalid.stderr).toContain('is not valid JSON');

    await ok(['endpoint', 'delete', name, '--yes']);
  });

  it("an invalid body is the API's 400, exit 1", async () => {
    const result = await cli([
      'endpoint',
      'create',
      uniqueName('cli-bad'),
      '--model',
      CHAT_MODEL,
      '--origin',
      'ftp://nowhere',
    ]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("Invalid 'served_entities.0.origins.0.url': must be an http(s) URL (HTTP 400");
  });

  it('an invalid body with several problems: the first as the headline, then every one, a line each', async () => {
    const args = ['endpoint', 'create', uniqueName('cli-bad'), '--model', CHAT_MODEL];
    const bad = [...args, '--origin', 'ftp://nowhere', '--temperature', '7'];
    const result = await cli(bad);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    const lines = result.stderr.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^edge-router: Invalid '[^']+': .+ \(HTTP 400, invalid_body\)$/);
    const listed = lines.slice(1);
    expect(listed.length).toBeGreaterThanOrEqual(2);
    for (const line of listed) expect(line).toMatch(/^ {2}Invalid '[^']+': /);
    expect(listed.find((l) => l.includes("'served_entities.0.origins.0.url'"))).toContain('must be an http(s) URL');
    expect(listed.find((l) => l.includes("'defaults.temperature'"))).toBeDefined();
    // The headline is the first problem listed.
    expect(lines[0]).toContain(listed[0]!.trim());

    // With --json the refusal reads the same, on stderr; stdout stays empty.
    const json = await cli([...bad, '--json']);
    expect(json.code).toBe(1);
    expect(json.stdout).toBe('');
    expect(json.stderr).toBe(result.stderr);
  });
});

describe('edge-router key', () => {
  const endpoint = uniqueName('cli-key-ep');
  let created: CreatedKey;
  let shownKey: string;
  let shownId: string;

  beforeAll(async () => {
    await admin().createEndpoint({
      name: endpoint,
      served_entities: [{ name: 'main', protocol: 'openai', model: CHAT_MODEL, origins: [{ url: originUrl() }] }],
    });
  });
  afterAll(async () => {
    await admin()
      .deleteEndpoint(endpoint)
      .catch(() => undefined);
  });

  it('add prints the plaintext key once, with a warning', async () => {
    const out = await ok([
      'key',
      'add',
      '--description',
      'cli human',
      '--endpoint',
      endpoint,
      '--concurrency-limit',
      '3',
    ]);
    const keys = out.match(/sk-rt-[A-Za-z0-9_-]{20,}/g) ?? [];
    expect(keys).toHaveLength(1);
    shownKey = keys[0]!;
    expect(count(out, shownKey)).toBe(1);
    expect(out).toContain('shown only this once');
    expect(out).toContain('cannot be shown again');
    shownId = /Created API key (key_[A-Za-z0-9_-]+)\./.exec(out)![1]!;

    const key = await admin().getKey(shownId);
    expect(key.prefix).toBe(shownKey.slice(0, key.prefix.length));
    expect(key.description).toBe('cli human');
    expect(key.endpoints).toEqual([endpoint]);
    expect(key.concurrency_limit).toBe(3);
  });

  it('add --json is the create answer, with the key', async () => {
    created = await okJson<CreatedKey>(['key', 'add', '--description', 'cli json']);
    expect(created.key).toMatch(/^sk-rt-/);
    expect(created.endpoints).toBeNull();
    expect((await admin().getKey(created.id)).description).toBe('cli json');
  });

  it('add --token-budget gives the key a token budget, shown by info', async () => {
    const budgeted = await okJson<CreatedKey>([
      'key',
      'add',
      '--description',
      'cli budget',
      '--token-budget',
      '5000',
      '--token-period',
      'hour',
    ]);
    expect(budgeted.token_budget).toEqual({ tokens: 5000, renewal_period: 'hour' });
    const info = await ok(['key', 'info', budgeted.id]);
    expect(info).toMatch(/^token budget\s+5000 per hour$/m);
    expect(info).toMatch(/^tokens this window\s+0 used, 0 reserved \(resets .+\)$/m);
    const wrong = await cli(['key', 'add', '--token-budget', '10', '--token-period', 'week']);
    expect(wrong.code).not.toBe(0);
    expect(wrong.stderr).toContain("--token-period expects minute, hour or day, got 'week'");
    await ok(['key', 'revoke', budgeted.id, '--yes']);
  });

  it('list and info never show the plaintext', async () => {
    const table = await ok(['key', 'list']);
    expect(table.split('\n')[0]).toMatch(/^ID\s+PREFIX\s+STATUS\s+LIMIT\s+ENDPOINTS\s+CREATED\s+DESCRIPTION$/);
    expect(table).toContain(shownId);
    expect(table).toContain(created.id);
    expect(table).toMatch(new RegExp(`^${shownId}\\s+sk-rt-\\S+…\\s+active\\s+3\\s+${endpoint}\\s`, 'm'));
    const listJson = await ok(['key', 'list', '--json']);
    expect(JSON.parse(listJson).data.some((k: { id: string }) => k.id === created.id)).toBe(true);

    const info = await ok(['key', 'info', shownId]);
    expect(info).toMatch(/^in flight\s+0 of 3$/m);
    expect(info).toMatch(new RegExp(`^endpoints\\s+${endpoint}$`, 'm'));
    const infoJson = await okJson<{ in_flight: number }>(['key', 'info', created.id]);
    expect(infoJson.in_flight).toBe(0);

    for (const out of [table, listJson, info, JSON.stringify(infoJson)]) {
      expect(out).not.toContain(shownKey);
      expect(out).not.toContain(created.key);
    }
  });

  it('edit changes the description', async () => {
    expect(await ok(['key', 'edit', shownId, '--description', 'renamed'])).toMatch(/^description\s+renamed$/m);
    expect((await admin().getKey(shownId)).description).toBe('renamed');
    const nothing = await cli(['key', 'edit', shownId]);
    expect(nothing.code).toBe(2);
    expect(nothing.stderr).toContain('give --description');
  });

  it('revoke: refused without --yes, done with it', async () => {
    const refused = await cli(['key', 'revoke', created.id]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('without --yes');
    expect((await admin().getKey(created.id)).status).toBe('active');

    const out = await ok(['key', 'revoke', created.id, '--yes']);
    expect(out).toContain(`Revoked API key ${created.id}.`);
    expect(out).toMatch(/^status\s+revoked$/m);
    expect((await admin().getKey(created.id)).status).toBe('revoked');
    await ok(['key', 'revoke', shownId, '--yes']);
  });

  it('usage: the per-hour table (empty for an unused key)', async () => {
    expect(await ok(['key', 'usage', shownId])).toContain(`No usage recorded for ${shownId}.`);
    expect(await okJson<{ key_id: string; data: unknown[] }>(['key', 'usage', shownId])).toEqual({
      object: 'list',
      key_id: shownId,
      data: [],
      has_more: false,
      next_cursor: null,
      token_budget: null,
      token_window: null,
    });
  });
});

describe('edge-router errors', () => {
  it('a wrong token: exit 1 with the API message and status on stderr', async () => {
    const result = await cli(['endpoint', 'list', '--url', inject('routerUrl'), '--token', 'not-the-admin-token'], {
      auth: false,
    });
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('Invalid admin token (HTTP 401');
  });

  it('an unknown endpoint: exit 1 with the 404 message', async () => {
    const name = uniqueName('cli-missing');
    const result = await cli(['endpoint', 'info', name]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`Endpoint '${name}' does not exist (HTTP 404, endpoint_not_found)`);
  });

  it("an unknown endpoint on a new key: the API's 400", async () => {
    const result = await cli(['key', 'add', '--endpoint', uniqueName('cli-nope')]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('Unknown endpoint(s)');
  });

  it('an unreachable router: exit 1 saying so', async () => {
    const url = `http://127.0.0.1:${await closedPort()}`;
    const result = await cli(['key', 'list', '--url', url, '--token', 'x'], { auth: false });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`cannot reach the router at ${url}: ECONNREFUSED`);
  });
});

describe('edge-router rendering pieces', () => {
  it('tables align columns, right-align numbers and escape control characters', () => {
    const rows = [
      { a: 'x', n: 5, d: 'plain' },
      { a: 'longer', n: 120, d: 'line\nbreak\u001b[31m' },
    ];
    expect(
      renderTable(
        [
          { header: 'name', value: (r) => r.a },
          { header: 'n', value: (r) => String(r.n), align: 'right' },
          { header: 'desc', value: (r) => r.d },
        ],
        rows,
      ),
    ).toBe(['NAME      N  DESC', 'x         5  plain', 'longer  120  line\\nbreak\\u001b[31m'].join('\n'));
    expect(
      renderFields([
        ['id', 'k1'],
        ['endpoints', ['a', 'b']],
      ]),
    ).toBe('id         k1\nendpoints  a\n           b');
  });

  it('merges tags by key and derives served-entity names from model ids', () => {
    expect(
      mergeTags(
        [
          { key: 'a', value: '1' },
          { key: 'b', value: '2' },
        ],
        [
          { key: 'b', value: '3' },
          { key: 'c', value: '' },
        ],
      ),
    ).toEqual([
      { key: 'a', value: '1' },
      { key: 'b', value: '3' },
      { key: 'c', value: '' },
    ]);
    expect(entityNameFor('meta-llama/Llama-3.1-8B-Instruct')).toBe('Llama-3.1-8B-Instruct');
    expect(entityNameFor('org/model:q4 (gguf)')).toBe('model-q4-gguf-');
    expect(entityNameFor('///')).toBe('default');
  });
});
