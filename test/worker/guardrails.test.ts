import { inject, describe, expect, it } from 'vitest';
import {
  admin,
  call,
  CHAT_MODEL,
  createEndpoint,
  createKey,
  eventually,
  inFlight,
  originStats,
  sseEvents,
  type OriginRecord,
} from './helpers/router';
import { expectAdminError, expectError } from './helpers/expect-error';

const GUARD_MODEL = 'meta-llama/Llama-Guard-3-8B';
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** An endpoint serving the emulator's Llama Guard (vLLM completions, or TGI generate under `/llama-guard/tgi`). */
async function createGuard(
  name: string,
  opts: { mode?: string; tgi?: boolean; timeouts?: Json; tenant?: string } = {},
): Promise<void> {
  const base = inject('originUrl') + (opts.mode ? `/mode/${opts.mode}` : '');
  const entity = opts.tgi
    ? { name: `${name}-tgi`, protocol: 'tgi', model: 'tgi', origins: [{ url: `${base}/llama-guard/tgi` }] }
    : { name: `${name}-lg`, protocol: 'openai', model: GUARD_MODEL, origins: [{ url: base }] };
  const res = await admin('POST', '/endpoints', {
    name,
    served_entities: [entity],
    ...(opts.timeouts ? { timeouts: opts.timeouts } : {}),
    ...(opts.tenant ? { tenant: opts.tenant } : {}),
  });
  if (res.status !== 201) throw new Error(`create guard ${name}: ${res.status} ${await res.text()}`);
}

const guard = (endpoint: string, extra: Json = {}) => ({
  endpoint,
  action: 'block',
  on_error: 'fail_closed',
  ...extra,
});

async function createGuarded(name: string, guardrails: Json, mode?: string): Promise<void> {
  await createEndpoint(name, { mode, body: { guardrails } });
}

const chat = (token: string, model: string, content: string, extra: Json = {}) =>
  call('/v1/chat/completions', {
    method: 'POST',
    token,
    json: { model, messages: [{ role: 'user', content }], ...extra },
  });

/** What the emulator received that carries `nonce`: the model's requests and the guard's. */
async function seen(nonce: string): Promise<{ model: OriginRecord[]; guard: OriginRecord[] }> {
  const recent = (await originStats()).recent.filter((r) => JSON.stringify(r.body ?? {}).includes(nonce));
  const isGuard = (r: OriginRecord) => r.body?.model === GUARD_MODEL || r.path.includes('/llama-guard');
  return { model: recent.filter((r) => !isGuard(r)), guard: recent.filter(isGuard) };
}

const nonce = () => `n${crypto.randomUUID().slice(0, 12)}`;

describe('guardrails config', () => {
  it('is part of the versioned config, validated against the other endpoints', async () => {
    await createGuard('cfg-guard');
    await createEndpoint('cfg-plain');
    const invalid = async (body: Json, status: number, match: Json) =>
      expectAdminError(await admin('PATCH', '/endpoints/cfg-plain', body), status, match);

    await invalid({ guardrails: { input: guard('cfg-missing') } }, 400, {
      code: 'invalid_guardrails',
      param: 'guardrails.input.endpoint',
      message: expect.stringContaining("no endpoint named 'cfg-missing'"),
    });
    await invalid({ guardrails: { input: guard('cfg-plain') } }, 400, {
      message: expect.stringContaining('cannot be its own guard'),
    });
    await invalid({ guardrails: { input: guard('cfg-guard', { stream_check_tokens: 8 }) } }, 400, {
      param: 'guardrails.input.stream_check_tokens',
    });
    await invalid({ guardrails: { input: guard('cfg-guard', { categories: ['S1', 'S1'] }) } }, 400, {
      message: expect.stringContaining("'S1' appears twice"),
    });
    await invalid({ guardrails: { input: guard('cfg-guard', { categories: ['S15'] }) } }, 400, {
      param: expect.stringContaining('categories'),
    });
    await invalid({ guardrails: { input: guard('cfg-guard', { action: 'warn' }) } }, 400, {
      param: expect.stringContaining('action'),
    });

    const rails = {
      input: guard('cfg-guard', { categories: ['S1', 'S10'] }),
      output: guard('cfg-guard', { action: 'flag', on_error: 'fail_open', stream_check_tokens: 16 }),
    };
    const updated = await admin('PATCH', '/endpoints/cfg-plain', { guardrails: rails });
    expect(updated.status).toBe(200);
    expect(((await updated.json()) as Json).guardrails).toEqual(rails);

    // The guard is not guarded, and a guarded endpoint is no guard.
    await expectAdminError(
      await admin('PATCH', '/endpoints/cfg-guard', { guardrails: { input: guard('cfg-plain') } }),
      400,
      { message: expect.stringContaining('has guardrails of its own') },
    );
    await createGuard('cfg-guard-2');
    await expectAdminError(
      await admin('PATCH', '/endpoints/cfg-guard', { guardrails: { output: guard('cfg-guard-2') } }),
      400,
      { message: expect.stringContaining("'cfg-guard' is the guard of 'cfg-plain'") },
    );

    // `{}` removes them; the versions keep the history, and a rollback brings them back.
    const removed = (await (await admin('PATCH', '/endpoints/cfg-plain', { guardrails: {} })).json()) as Json;
    expect(removed.guardrails).toBeUndefined();
    const versions = ((await (await admin('GET', '/endpoints/cfg-plain/versions')).json()) as Json).data as Json[];
    expect(versions.map((v) => v.config.guardrails ?? null)).toEqual([null, rails, null]);
    const rolledBack = await admin('POST', '/endpoints/cfg-plain/rollback', { version: 2 });
    expect(((await rolledBack.json()) as Json).guardrails).toEqual(rails);
  });

  it('accepts only a guard endpoint visible to the tenant: its own, or shared with it', async () => {
    expect((await admin('POST', '/tenants', { name: 'guard-owner' })).status).toBe(201);
    await createGuard('other-tenant-guard', { tenant: 'guard-owner' });
    const body = (name: string) => ({
      name,
      served_entities: [{ name: 'a', protocol: 'openai', model: CHAT_MODEL, origins: [{ url: inject('originUrl') }] }],
      guardrails: { output: guard('other-tenant-guard') },
    });
    await expectAdminError(await admin('POST', '/endpoints', body('vis-1')), 400, {
      message: expect.stringContaining("no endpoint named 'other-tenant-guard' is visible to tenant 'default'"),
    });
    expect((await admin('POST', '/endpoints/other-tenant-guard/shares', { tenant: 'default' })).status).toBe(200);
    expect((await admin('POST', '/endpoints', body('vis-2'))).status).toBe(201);
  });

  it('keeps a guard used by another tenant unguarded, without naming that tenant’s endpoint', async () => {
    expect((await admin('POST', '/tenants', { name: 'gx-owner' })).status).toBe(201);
    expect((await admin('POST', '/tenants', { name: 'gx-user' })).status).toBe(201);
    const tenantAdmin = async (tenant: string) =>
      ((await (await admin('POST', '/keys', { kind: 'platform', role: 'tenant_admin', tenant })).json()) as Json)
        .key as string;
    const owner = await tenantAdmin('gx-owner');
    const user = await tenantAdmin('gx-user');
    const as = (token: string, method: string, path: string, json?: unknown) =>
      call(`/admin/v1${path}`, { method, token, json });
    await createGuard('gx-guard', { tenant: 'gx-owner' });
    await createGuard('gx-guard-2', { tenant: 'gx-owner' });
    expect((await as(owner, 'POST', '/endpoints/gx-guard/shares', { tenant: 'gx-user' })).status).toBe(200);
    const guarded = await as(user, 'POST', '/endpoints', {
      name: 'gx-user-secret',
      served_entities: [{ name: 'a', protocol: 'openai', model: CHAT_MODEL, origins: [{ url: inject('originUrl') }] }],
      guardrails: { input: guard('gx-guard') },
    });
    expect(guarded.status, await guarded.clone().text()).toBe(201);

    // The guard's own tenant may not guard it (a guard chain), and is not told which endpoint uses it.
    for (const token of [owner, 'test-admin-token']) {
      const refused = await expectAdminError(
        await as(token, 'PATCH', '/endpoints/gx-guard', { guardrails: { input: guard('gx-guard-2') } }),
        400,
        {
          param: 'guardrails',
          message: expect.stringContaining("'gx-guard' is the guard of an endpoint in another tenant"),
        },
      );
      expect(JSON.stringify(refused)).not.toMatch(/gx-user/);
    }
    // Once its own tenant guards with it too, that endpoint is the one named.
    const own = await as(owner, 'POST', '/endpoints', {
      name: 'gx-own',
      served_entities: [{ name: 'a', protocol: 'openai', model: CHAT_MODEL, origins: [{ url: inject('originUrl') }] }],
      guardrails: { output: guard('gx-guard') },
    });
    expect(own.status, await own.clone().text()).toBe(201);
    await expectAdminError(
      await as(owner, 'PATCH', '/endpoints/gx-guard', { guardrails: { input: guard('gx-guard-2') } }),
      400,
      { message: expect.stringContaining("'gx-guard' is the guard of 'gx-own'") },
    );
  });

  it('does not tell a tenant a shared endpoint’s guardrails when it cannot serve as a guard', async () => {
    expect((await admin('POST', '/tenants', { name: 'gg-owner' })).status).toBe(201);
    expect((await admin('POST', '/tenants', { name: 'gg-user' })).status).toBe(201);
    const tenantAdmin = async (tenant: string) =>
      ((await (await admin('POST', '/keys', { kind: 'platform', role: 'tenant_admin', tenant })).json()) as Json)
        .key as string;
    const owner = await tenantAdmin('gg-owner');
    const user = await tenantAdmin('gg-user');
    const as = (token: string, method: string, path: string, json?: unknown) =>
      call(`/admin/v1${path}`, { method, token, json });
    const guardedBy = (name: string, guardName: string) => ({
      name,
      served_entities: [{ name: 'a', protocol: 'openai', model: CHAT_MODEL, origins: [{ url: inject('originUrl') }] }],
      guardrails: { input: guard(guardName) },
    });
    // The owner's endpoint has guardrails of its own, and is shared with the user's tenant.
    await createGuard('gg-guard', { tenant: 'gg-owner' });
    const shared = await as(owner, 'POST', '/endpoints', guardedBy('gg-shared', 'gg-guard'));
    expect(shared.status, await shared.clone().text()).toBe(201);
    expect((await as(owner, 'POST', '/endpoints/gg-shared/shares', { tenant: 'gg-user' })).status).toBe(200);

    // Its own tenant is told why; the tenant it is shared with only that it cannot be a guard.
    await expectAdminError(await as(owner, 'POST', '/endpoints', guardedBy('gg-own', 'gg-shared')), 400, {
      code: 'invalid_guardrails',
      param: 'guardrails.input.endpoint',
      message: expect.stringContaining("endpoint 'gg-shared' has guardrails of its own"),
    });
    const refused = await expectAdminError(
      await as(user, 'POST', '/endpoints', guardedBy('gg-user-ep', 'gg-shared')),
      400,
      {
        code: 'invalid_guardrails',
        param: 'guardrails.input.endpoint',
        message: expect.stringContaining("endpoint 'gg-shared' cannot serve as a guard"),
      },
    );
    // Past the field it names, nothing of the shared endpoint's config: not its guardrails, nor its guard.
    expect(refused.error.message.replace('guardrails.input.endpoint: ', '')).not.toMatch(/guardrail|guarded|gg-guard/);
  });
});

describe('input guardrail', () => {
  it('sends Llama Guard 3 prompt format with the configured categories and the User role', async () => {
    await createGuard('tpl-guard');
    await createGuarded('tpl', { input: guard('tpl-guard', { categories: ['S10', 'S1'] }) });
    const { key } = await createKey();
    const n = nonce();
    const res = await call('/v1/chat/completions', {
      method: 'POST',
      token: key,
      json: {
        model: 'tpl',
        messages: [
          { role: 'system', content: 'Be brief.' },
          { role: 'user', content: `Hi ${n}` },
          { role: 'assistant', content: 'Hello!' },
          { role: 'user', content: 'Tell me about Paris' },
        ],
      },
    });
    expect(res.status).toBe(200);
    const { guard: calls } = await seen(n);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.path).toBe('/v1/completions');
    expect(calls[0]!.body).toMatchObject({ model: GUARD_MODEL, temperature: 0 });
    expect(calls[0]!.body!.prompt).toBe(
      '<|start_header_id|>user<|end_header_id|>\n\n' +
        "Task: Check if there is unsafe content in 'User' messages in conversations according our safety policy with the below categories.\n\n" +
        '<BEGIN UNSAFE CONTENT CATEGORIES>\nS1: Violent Crimes.\nS10: Hate.\n<END UNSAFE CONTENT CATEGORIES>\n\n' +
        `<BEGIN CONVERSATION>\n\nUser: Be brief.\n\nHi ${n}\n\nAgent: Hello!\n\nUser: Tell me about Paris\n\n<END CONVERSATION>\n\n` +
        'Provide your safety assessment for ONLY THE LAST User message in the above conversation:\n' +
        " - First line must read 'safe' or 'unsafe'.\n" +
        ' - If unsafe, a second line must include a comma-separated list of violated categories.<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n',
    );
    expect(res.headers.get('server-timing')).toMatch(/^gate;dur=\d+\.\d{2}, origin;dur=\d+, guard-input;dur=\d+$/);
  });

  it('blocks a prompt before the model origin is called, naming the categories and never the text', async () => {
    await createGuard('blk-guard');
    await createGuarded('blk', { input: guard('blk-guard', { categories: ['S1', 'S9', 'S10'] }) });
    const { id, key } = await createKey({ concurrency_limit: 1 });
    const n = nonce();
    const res = await chat(key, 'blk', `How do I hurt someone ${n} <<unsafe:S10>> <<unsafe:S1>>`, { stream: true });
    const body = await expectError(res, 400, {
      type: 'invalid_request_error',
      code: 'content_policy_violation',
      param: null,
    });
    expect(body.error.message).toBe(
      "The request was refused by the endpoint's input guardrail: it falls under S1 (Violent Crimes), S10 (Hate)",
    );
    expect(body.error.message).not.toContain(n);
    const { model, guard: calls } = await seen(n);
    expect(model).toHaveLength(0); // the model's origin never saw it
    expect(calls).toHaveLength(1);
    expect(await inFlight(id)).toBe(0);

    // A category the endpoint does not check is not asked about, so it passes.
    const other = nonce();
    expect((await chat(key, 'blk', `Hello ${other} <<unsafe:S12>>`)).status).toBe(200);
    expect((await seen(other)).model).toHaveLength(1);
  });

  it('blocks on the completions and TGI generate routes in their protocols, with a TGI guard too', async () => {
    await createGuard('routes-guard-tgi', { tgi: true });
    await createGuarded('routes', { input: guard('routes-guard-tgi') });
    const { key } = await createKey();
    const n = nonce();
    const completions = await call('/v1/completions', {
      method: 'POST',
      token: key,
      json: { model: 'routes', prompt: ['fine', `bad ${n} <<unsafe:S2>>`] },
    });
    await expectError(completions, 400, {
      code: 'content_policy_violation',
      message: expect.stringContaining('S2 (Non-Violent Crimes)'),
    });
    const generate = await call('/generate', {
      method: 'POST',
      token: key,
      json: { model: 'routes', inputs: `bad ${n} <<unsafe:S3>>` },
    });
    expect(generate.status).toBe(400);
    expect(await generate.json()).toEqual({
      error: expect.stringContaining('S3 (Sex-Related Crimes)'),
      error_type: 'content_policy_violation',
    });
    const { model, guard: calls } = await seen(n);
    expect(model).toHaveLength(0);
    // The batch's clean prompt was checked too, in a guard call of its own (without the nonce).
    expect(calls.map((c) => c.path)).toEqual(['/llama-guard/tgi/generate', '/llama-guard/tgi/generate']);

    const tokenIds = await call('/v1/completions', {
      method: 'POST',
      token: key,
      json: { model: 'routes', prompt: [1, 2, 3] },
    });
    await expectError(tokenIds, 400, { param: 'prompt', message: expect.stringContaining('not token ids') });
    expect(
      (await call('/generate', { method: 'POST', token: key, json: { model: 'routes', inputs: 'Tell me a story' } }))
        .status,
    ).toBe(200);
  });

  it('serves a flagged prompt with a header naming the categories', async () => {
    await createGuard('flag-guard');
    await createGuarded('flag', { input: guard('flag-guard', { action: 'flag' }) });
    const { key } = await createKey({ concurrency_limit: 1 }); // the guard call takes no slot of the key
    const n = nonce();
    const res = await chat(key, 'flag', `Rude words ${n} <<unsafe:S10>>`);
    expect(res.status).toBe(200);
    expect(res.headers.get('x-guardrails-flagged')).toBe('input=S10');
    expect(((await res.json()) as Json).choices[0].message.content.length).toBeGreaterThan(0);
    expect((await seen(n)).model).toHaveLength(1);
  });

  it('fails open or closed when the guard stalls past its timeout', async () => {
    await createGuard('stall-guard-open', { mode: 'stall', timeouts: { total_ms: 300 } });
    await createGuard('stall-guard-closed', { mode: 'stall/0', timeouts: { total_ms: 300 } });
    await createGuarded('open', { input: guard('stall-guard-open', { on_error: 'fail_open' }) });
    await createGuarded('closed', { input: guard('stall-guard-closed', { on_error: 'fail_closed' }) });
    const { id, key } = await createKey();

    const n = nonce();
    const open = await chat(key, 'open', `Hello ${n}`, { stream: true });
    expect(open.status).toBe(200);
    expect(open.headers.get('x-guardrails-unchecked')).toBe('input');
    expect(open.headers.get('server-timing')).toMatch(/guard-input;dur=\d+/);
    expect((await sseEvents(open)).at(-1)).toBe('[DONE]');

    const m = nonce();
    const closed = await chat(key, 'closed', `Hello ${m}`);
    const body = await expectError(closed, 503, { type: 'server_error', code: 'guardrail_unavailable' });
    expect(body.error.message).toContain("guard endpoint 'stall-guard-closed' did not answer within 300 ms");
    expect(body.error.message).not.toContain(m);
    expect(closed.headers.get('retry-after')).toBe('5');
    expect((await seen(m)).model).toHaveLength(0);
    await eventually(async () => expect(await inFlight(id)).toBe(0));
  });

  it('treats an answer that is not a verdict as a guard failure', async () => {
    await createGuard('garble-guard');
    await createGuarded('garble', { input: guard('garble-guard') });
    const { key } = await createKey();
    const res = await chat(key, 'garble', 'Hello <<guard-garbles>>');
    const body = await expectError(res, 503, { code: 'guardrail_unavailable' });
    expect(body.error.message).toMatch(/the guard's answer \(\d+ characters\) is neither 'safe' nor 'unsafe'/);
  });
});

describe('output guardrail', () => {
  it('withholds a non-streaming answer that the guard blocks, and flags one it flags', async () => {
    await createGuard('out-guard');
    await createGuarded('out-block', { output: guard('out-guard') });
    await createGuarded('out-flag', { output: guard('out-guard', { action: 'flag' }) });
    const { id, key } = await createKey();
    const n = nonce();
    const blocked = await chat(key, 'out-block', `Say it ${n} <<say-unsafe:S2@3>>`);
    const body = await expectError(blocked, 400, { code: 'content_policy_violation' });
    expect(body.error.message).toBe(
      "The answer was withheld by the endpoint's output guardrail: it falls under S2 (Non-Violent Crimes)",
    );
    const { guard: calls } = await seen(n);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.body!.prompt).toContain("Check if there is unsafe content in 'Agent' messages");
    expect(calls[0]!.body!.prompt).toMatch(/\n\nAgent: .*<<unsafe:S2>>/);
    expect(await inFlight(id)).toBe(0);

    const flagged = await chat(key, 'out-flag', 'Say it <<say-unsafe:S2@3>>');
    expect(flagged.status).toBe(200);
    expect(flagged.headers.get('x-guardrails-flagged')).toBe('output=S2');
    expect(flagged.headers.get('server-timing')).toMatch(/guard-output;dur=\d+$/);
    expect(((await flagged.json()) as Json).choices[0].message.content).toContain('<<unsafe:S2>>');

    // A marker in the prompt is not the answer's: the output guard judges the Agent's turn only.
    expect((await chat(key, 'out-block', 'Hello <<unsafe:S2>>')).status).toBe(200);
  });

  it('cuts a stream with content_filter after the first chunks, aborts the origin and frees the slot', async () => {
    await createGuard('cut-guard');
    // stall/12: the origin streams 12 tokens (the 11th is the marker) and then hangs until it is aborted. Checks
    // every 2 tokens cover at least 11 of the 12, so one of them sees the marker whatever the origin's chunking.
    await createGuarded('cut', { output: guard('cut-guard', { stream_check_tokens: 2 }) }, 'stall/12');
    const { id, key } = await createKey({ concurrency_limit: 1 });
    const n = nonce();
    const res = await chat(key, 'cut', `Go ${n} <<say-unsafe:S1@10>>`, { stream: true });
    expect(res.status).toBe(200);
    const events = await sseEvents(res);
    expect(events.at(-1)).toBe('[DONE]');
    const chunks = events.slice(0, -2).map((e) => JSON.parse(e) as Json);
    const content = chunks.map((c) => c.choices[0]?.delta?.content ?? '').join('');
    expect(content.length).toBeGreaterThan(0); // the first chunks reached the client
    expect(content).not.toContain('unsafe');
    expect(chunks.at(-1)!.choices[0]).toMatchObject({ delta: {}, finish_reason: 'content_filter' });
    expect(chunks.at(-1)!.model).toBe('cut');
    const error = JSON.parse(events.at(-2)!) as Json;
    expect(error.error).toMatchObject({
      code: 'content_policy_violation',
      message: expect.stringContaining('S1 (Violent Crimes)'),
    });
    await eventually(async () => expect((await seen(n)).model[0]?.outcome).toBe('aborted'));
    await eventually(async () => expect(await inFlight(id)).toBe(0));
  });

  it('checks the end of a stream, and cuts TGI streams with a TGI error event', async () => {
    await createGuard('end-guard');
    await createGuarded('end', { output: guard('end-guard') });
    const { key } = await createKey();
    // 12 tokens, marker last, default window of 64: only the final check sees it.
    const res = await chat(key, 'end', 'Finish <<say-unsafe:S5@11>>', { stream: true });
    const events = await sseEvents(res);
    const last = JSON.parse(events.at(-3)!) as Json;
    expect(last.choices[0].finish_reason).toBe('content_filter');
    expect(
      events
        .slice(0, -3)
        .map((e) => (JSON.parse(e) as Json).choices[0]?.delta?.content ?? '')
        .join(''),
    ).toBe('');

    const clean = await chat(key, 'end', 'Tell me about Paris', { stream: true });
    const cleanEvents = await sseEvents(clean);
    expect(cleanEvents.at(-1)).toBe('[DONE]');
    expect(JSON.parse(cleanEvents.at(-2)!).choices[0].finish_reason).toBe('stop');

    const tgi = await call('/generate_stream', {
      method: 'POST',
      token: key,
      json: { model: 'end', inputs: 'Finish <<say-unsafe:S5@4>>' },
    });
    const raw = await tgi.text();
    const frames = raw
      .split('\n\n')
      .filter(Boolean)
      .map((f) => JSON.parse(f.replace(/^data: ?/, '')) as Json);
    expect(frames.at(-1)).toEqual({
      error: expect.stringContaining('S5 (Defamation)'),
      error_type: 'content_policy_violation',
    });
    expect(frames.slice(0, -1).every((f) => f.token && !String(f.token.text).includes('unsafe'))).toBe(true);
  });
});

describe('guardrails on the Responses API (translated onto the chat path)', () => {
  it('blocks a prompt, withholds a non-streaming answer, and cuts a stream with response.incomplete (content_filter)', async () => {
    await createGuard('resp-guard');
    await createGuarded('resp', {
      input: guard('resp-guard', { categories: ['S10'] }),
      output: guard('resp-guard', { stream_check_tokens: 2 }),
    });
    const { key } = await createKey();
    const respond = (json: Json) =>
      call('/v1/responses', { method: 'POST', token: key, json: { model: 'resp', ...json } });

    const n = nonce();
    await expectError(await respond({ input: `Hateful ${n} <<unsafe:S10>>` }), 400, {
      code: 'content_policy_violation',
      message: expect.stringContaining('S10 (Hate)'),
    });
    expect((await seen(n)).model).toHaveLength(0);

    await expectError(await respond({ input: 'Say <<say-unsafe:S7@4>>' }), 400, {
      code: 'content_policy_violation',
      message: expect.stringContaining('S7 (Privacy)'),
    });
    expect((await respond({ input: 'Tell me about Paris' })).status).toBe(200);

    const res = await respond({ input: 'Stream <<say-unsafe:S7@9>>', stream: true });
    const events = (await res.text())
      .split('\n\n')
      .filter((b) => b.startsWith('event: '))
      .map((b) => JSON.parse(b.split('\n')[1]!.slice('data: '.length)) as Json);
    expect(events.map((e) => e.sequence_number)).toEqual(events.map((_, i) => i));
    const deltas = events
      .filter((e) => e.type === 'response.output_text.delta')
      .map((e) => e.delta as string)
      .join('');
    expect(deltas.length).toBeGreaterThan(0);
    expect(deltas).not.toContain('unsafe');
    expect(events.at(-2)).toMatchObject({
      type: 'response.incomplete',
      response: { status: 'incomplete', incomplete_details: { reason: 'content_filter' }, model: 'resp' },
    });
    expect(events.at(-1)).toMatchObject({
      type: 'error',
      code: 'content_policy_violation',
      message: expect.stringContaining('S7 (Privacy)'),
    });
  });
});

describe('guardrail metrics', () => {
  it('counts checks by stage and outcome, the categories found, and the guard time, in GET /metrics', async () => {
    await createGuard('mx-guard');
    await createGuarded('mx-guarded', { input: guard('mx-guard', { action: 'flag' }), output: guard('mx-guard') });
    const { key } = await createKey();
    expect((await chat(key, 'mx-guarded', 'Hello <<unsafe:S10>> <<unsafe:S1>>')).status).toBe(200); // input flagged, output passes
    expect((await chat(key, 'mx-guarded', 'Say <<say-unsafe:S2@3>>')).status).toBe(400); // input passes, output blocked
    const text = await eventually(async () => {
      const body = await (await call('/metrics', { token: 'test-admin-token' })).text();
      // Both requests' checks, whichever flush carried them.
      expect(body).toContain('router_guard_checks_total{endpoint="mx-guarded",stage="input",outcome="flag"} 1\n');
      expect(body).toContain('router_guard_checks_total{endpoint="mx-guarded",stage="input",outcome="pass"} 1\n');
      expect(body).toContain('router_guard_checks_total{endpoint="mx-guarded",stage="output",outcome="pass"} 1\n');
      expect(body).toContain('router_guard_checks_total{endpoint="mx-guarded",stage="output",outcome="block"} 1\n');
      return body;
    }, 10_000);
    expect(text).toContain('router_guard_categories_total{endpoint="mx-guarded",stage="input",category="S1"} 1\n');
    expect(text).toContain('router_guard_categories_total{endpoint="mx-guarded",stage="input",category="S10"} 1\n');
    expect(text).toContain('router_guard_categories_total{endpoint="mx-guarded",stage="output",category="S2"} 1\n');
    expect(text).toMatch(/router_guard_seconds_total\{endpoint="mx-guarded",stage="input"\} [\d.]+\n/);
  });
});

describe('guardrails on the Anthropic Messages API (translated onto the chat path)', () => {
  it('blocks a prompt, withholds a non-streaming answer, and cuts a stream with stop_reason refusal and an error event', async () => {
    await createGuard('msg-guard');
    await createGuarded('msgs', {
      input: guard('msg-guard', { categories: ['S10'] }),
      output: guard('msg-guard', { stream_check_tokens: 2 }),
    });
    const { key } = await createKey();
    const send = (content: string, extra: Json = {}) =>
      call('/v1/messages', {
        method: 'POST',
        json: { model: 'msgs', max_tokens: 100, messages: [{ role: 'user', content }], ...extra },
        headers: { 'x-api-key': key },
      });

    const n = nonce();
    const blocked = await send(`Hateful ${n} <<unsafe:S10>>`);
    expect(blocked.status).toBe(400);
    expect(await blocked.json()).toMatchObject({
      type: 'error',
      error: { type: 'invalid_request_error', message: expect.stringContaining('S10 (Hate)') },
    });
    expect((await seen(n)).model).toHaveLength(0);

    const withheld = await send('Say <<say-unsafe:S7@4>>');
    expect(withheld.status).toBe(400);
    expect(await withheld.json()).toMatchObject({ error: { message: expect.stringContaining('S7 (Privacy)') } });
    expect((await send('Tell me about Paris')).status).toBe(200);

    const res = await send('Stream <<say-unsafe:S7@9>>', { stream: true });
    const events = (await res.text())
      .split('\n\n')
      .filter((b) => b.startsWith('event: '))
      .map((b) => JSON.parse(b.split('\n')[1]!.slice('data: '.length)) as Json);
    const text = events
      .filter((e) => e.type === 'content_block_delta')
      .map((e) => e.delta.text as string)
      .join('');
    expect(text.length).toBeGreaterThan(0);
    expect(text).not.toContain('unsafe');
    expect(events.slice(-3)).toMatchObject([
      { type: 'content_block_stop' },
      { type: 'message_delta', delta: { stop_reason: 'refusal' } },
      { type: 'error', error: { message: expect.stringContaining('S7 (Privacy)') } },
    ]);
  });
});

describe('guardrails on Anthropic Messages passed through to an Anthropic external model', () => {
  it('reads the text it can (tool results, text documents) and skips what it cannot, refusing nothing Anthropic takes', async () => {
    await createGuard('pt-guard');
    const res = await admin('POST', '/endpoints', {
      name: 'pt-claude',
      served_entities: [
        {
          name: 'claude',
          external_model: {
            name: 'claude-sonnet-4-5',
            provider: 'anthropic',
            task: 'llm/v1/chat',
            anthropic_config: {
              anthropic_api_key: '{{secrets/ANTHROPIC_API_KEY}}',
              anthropic_api_base: `${inject('originUrl')}/anthropic`,
            },
          },
        },
      ],
      guardrails: { input: guard('pt-guard') },
    });
    expect(res.status).toBe(201);
    const { key } = await createKey();
    const send = (json: Json) =>
      call('/v1/messages', {
        method: 'POST',
        json: { model: 'pt-claude', max_tokens: 50, ...json },
        headers: { 'x-api-key': key },
      });
    const toolTurns = (result: unknown) => [
      { role: 'user', content: 'What is the weather in Paris?' },
      {
        role: 'assistant',
        content: [{ type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { city: 'Paris' } }],
      },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: result }] },
    ];

    // Extended thinking: the chat translation refuses it; the guard reads the text around it and lets it pass on.
    const n = nonce();
    const thinking = await send({
      thinking: { type: 'enabled', budget_tokens: 1024 },
      messages: toolTurns([{ type: 'text', text: `Sunny ${n}` }]),
    });
    expect(thinking.status).toBe(200);
    const { guard: checked, model } = await seen(n);
    expect(checked).toHaveLength(1);
    expect(String(checked[0]!.body!.prompt)).toContain(
      `User: What is the weather in Paris?\n\nAgent: {"city":"Paris"}\n\nUser: Sunny ${n}`,
    );
    expect(model).toHaveLength(1);

    // What it reads is checked: a tool result's text, a text document's.
    const blocked = async (json: Json) => {
      const answer = await send(json);
      expect(answer.status).toBe(400);
      expect(await answer.json()).toMatchObject({
        type: 'error',
        error: { type: 'invalid_request_error', message: expect.stringContaining('S10 (Hate)') },
      });
    };
    await blocked({ messages: toolTurns(`Hateful <<unsafe:S10>>`) });
    const doc = nonce();
    await blocked({
      messages: [
        {
          role: 'user',
          content: [
            {
              type: 'document',
              source: { type: 'text', media_type: 'text/plain', data: `Hateful ${doc} <<unsafe:S10>>` },
            },
            { type: 'text', text: 'Summarise this.' },
          ],
        },
      ],
    });
    expect((await seen(doc)).model).toHaveLength(0);
  });
});
