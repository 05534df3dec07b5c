// /admin/v1/model-requests against the real D1: asking, duplicates within a tenant, who sees and who
// triages what (with the negative role cases), transitions, pagination and the audit log.

import { beforeAll, describe, expect, it } from 'vitest';
import { expectAdminError } from './helpers/expect-error';
import { ADMIN_TOKEN, admin, call, createKey } from './helpers/router';

type ModelRequest = {
  id: string;
  tenant: string;
  requested_by: string;
  model: string;
  status: string;
  note: string;
  decided_by: string | null;
  use_case: string;
};

const suffix = crypto.randomUUID().slice(0, 8);
const tenantA = `mr-a-${suffix}`;
const tenantB = `mr-b-${suffix}`;
let adminA: { id: string; key: string };
let memberA1: { id: string; key: string };
let memberA2: { id: string; key: string };
let ownerA: { id: string; key: string };
let memberB: { id: string; key: string };

const BODY = {
  use_case: 'Summarise support tickets in German',
  requirements: 'German, 32k context',
  evaluation_criteria: 'ROUGE on 500 tickets',
  current_limitations: 'The 8B model misses details',
  expected_rpm_average: 20,
  expected_rpm_peak: 120,
};

function mr(method: string, path: string, token: string, json?: unknown): Promise<Response> {
  return call(`/admin/v1/model-requests${path}`, { method, token, json });
}

async function ask(token: string, model: string, extra: Record<string, unknown> = {}): Promise<ModelRequest> {
  const res = await mr('POST', '', token, { model, ...BODY, ...extra });
  expect(res.status, await res.clone().text()).toBe(201);
  return res.json();
}

async function listAll(token: string, query = ''): Promise<ModelRequest[]> {
  const res = await mr('GET', query, token);
  expect(res.status).toBe(200);
  return ((await res.json()) as { data: ModelRequest[] }).data;
}

beforeAll(async () => {
  for (const name of [tenantA, tenantB]) expect((await admin('POST', '/tenants', { name })).status).toBe(201);
  adminA = await createKey({ kind: 'platform', role: 'tenant_admin', tenant: tenantA });
  memberA1 = await createKey({ kind: 'platform', role: 'member', tenant: tenantA });
  memberA2 = await createKey({ kind: 'platform', role: 'member', tenant: tenantA });
  ownerA = await createKey({ kind: 'platform', role: 'owner', tenant: tenantA });
  memberB = await createKey({ kind: 'platform', role: 'member', tenant: tenantB });
});

describe('asking for a model', () => {
  it('stores the request, open, in the asker’s tenant, with every field of the form', async () => {
    const created = await ask(memberA1.key, `org/asked-${suffix}`);
    expect(created).toMatchObject({
      id: expect.stringMatching(/^mr_/),
      tenant: tenantA,
      requested_by: memberA1.id,
      model: `org/asked-${suffix}`,
      status: 'open',
      note: '',
      decided_by: null,
      ...BODY,
    });
    const got = await mr('GET', `/${created.id}`, memberA1.key);
    expect(await got.json()).toEqual(created);
  });

  it('points a second open request for the same model in the same tenant to the first (409 with its id), whoever asks', async () => {
    const first = await ask(memberA1.key, `Qwen/Dup-${suffix}`);
    const again = await mr('POST', '', memberA2.key, { model: `qwen/dup-${suffix}`, use_case: 'the same, again' });
    const body = await expectAdminError(again, 409, { code: 'model_request_exists', param: 'model' });
    expect(body.error.message).toContain(first.id);
    expect(again.headers.get('location')).toBe(`/admin/v1/model-requests/${first.id}`);
    // Another tenant may ask for the same model.
    expect((await ask(memberB.key, `Qwen/Dup-${suffix}`)).tenant).toBe(tenantB);
    // Once the first is decided, the tenant may ask again.
    expect((await mr('PATCH', `/${first.id}`, adminA.key, { status: 'declined', note: 'not now' })).status).toBe(200);
    expect((await ask(memberA2.key, `Qwen/Dup-${suffix}`)).status).toBe('open');
  });

  it('refuses bad input with the field named', async () => {
    await expectAdminError(await mr('POST', '', memberA1.key, { model: 'x' }), 400, { param: 'use_case' });
    await expectAdminError(await mr('POST', '', memberA1.key, { model: '  ', use_case: 'u' }), 400, { param: 'model' });
    await expectAdminError(
      await mr('POST', '', memberA1.key, {
        model: 'x',
        use_case: 'u',
        expected_rpm_average: 50,
        expected_rpm_peak: 10,
      }),
      400,
      {
        param: 'expected_rpm_peak',
      },
    );
    await expectAdminError(
      await mr('POST', '', memberA1.key, { model: 'x', use_case: 'u', expected_rpm_average: -1 }),
      400,
      { param: 'expected_rpm_average' },
    );
    await expectAdminError(await mr('POST', '', memberA1.key, { model: 'x', use_case: 'u', colour: 'red' }), 400, {
      code: 'invalid_body',
    });
  });

  it('lets only an org admin ask for another tenant', async () => {
    await expectAdminError(await mr('POST', '', memberA1.key, { model: 'x', use_case: 'u', tenant: tenantB }), 403, {
      code: 'forbidden',
    });
    const byOrg = await ask(ADMIN_TOKEN, `org/for-b-${suffix}`, { tenant: tenantB });
    expect(byOrg).toMatchObject({ tenant: tenantB, requested_by: 'admin' });
    await expectAdminError(
      await mr('POST', '', ADMIN_TOKEN, { model: 'x', use_case: 'u', tenant: `nope-${suffix}` }),
      400,
      {
        param: 'tenant',
      },
    );
  });

  it('refuses endpoint keys and unknown tokens', async () => {
    const endpointKey = await createKey();
    await expectAdminError(await mr('POST', '', endpointKey.key, { model: 'x', use_case: 'u' }), 403, {
      code: 'endpoint_key_on_admin_api',
    });
    await expectAdminError(await mr('GET', '', 'sk-nope'), 401, { code: 'invalid_admin_token' });
  });
});

describe('who sees what', () => {
  let a1: ModelRequest;
  let a2: ModelRequest;
  let b: ModelRequest;

  beforeAll(async () => {
    a1 = await ask(memberA1.key, `see/a1-${suffix}`);
    a2 = await ask(memberA2.key, `see/a2-${suffix}`);
    b = await ask(memberB.key, `see/b-${suffix}`);
  });

  it('members and owners see their own requests only; others’ answer 404', async () => {
    const mine = (await listAll(memberA1.key)).map((r) => r.id);
    expect(mine).toContain(a1.id);
    expect(mine).not.toContain(a2.id);
    expect(mine).not.toContain(b.id);
    expect((await listAll(memberA1.key)).every((r) => r.requested_by === memberA1.id)).toBe(true);
    await expectAdminError(await mr('GET', `/${a2.id}`, memberA1.key), 404, { code: 'model_request_not_found' });
    await expectAdminError(await mr('GET', `/${b.id}`, memberA1.key), 404, { code: 'model_request_not_found' });
    expect(await listAll(ownerA.key)).toEqual([]);
  });

  it('tenant admins see their tenant’s requests, not another tenant’s; org admins see all', async () => {
    const tenant = (await listAll(adminA.key)).map((r) => r.id);
    expect(tenant).toEqual(expect.arrayContaining([a1.id, a2.id]));
    expect(tenant).not.toContain(b.id);
    await expectAdminError(await mr('GET', `/${b.id}`, adminA.key), 404, { code: 'model_request_not_found' });
    const all = (await listAll(ADMIN_TOKEN, '?limit=200')).map((r) => r.id);
    expect(all).toEqual(expect.arrayContaining([a1.id, a2.id, b.id]));
  });
});

describe('triage', () => {
  it('tenant admins approve, then mark deployed, with a note the requester sees; members may not', async () => {
    const asked = await ask(memberA1.key, `triage/ok-${suffix}`);
    await expectAdminError(await mr('PATCH', `/${asked.id}`, memberA1.key, { status: 'approved' }), 403, {
      code: 'forbidden',
    });
    await expectAdminError(await mr('PATCH', `/${asked.id}`, memberA2.key, { status: 'approved' }), 404, {
      code: 'model_request_not_found',
    });
    await expectAdminError(await mr('PATCH', `/${asked.id}`, memberB.key, { status: 'approved' }), 404, {
      code: 'model_request_not_found',
    });

    const approved = await mr('PATCH', `/${asked.id}`, adminA.key, {
      status: 'approved',
      note: 'Scheduled for next week',
    });
    expect(approved.status).toBe(200);
    expect(await approved.json()).toMatchObject({
      status: 'approved',
      note: 'Scheduled for next week',
      decided_by: adminA.id,
    });
    const seen = (await (await mr('GET', `/${asked.id}`, memberA1.key)).json()) as ModelRequest;
    expect(seen).toMatchObject({ status: 'approved', note: 'Scheduled for next week' });

    const deployed = await mr('PATCH', `/${asked.id}`, ADMIN_TOKEN, {
      status: 'deployed',
      note: 'Live as endpoint triage-ok',
    });
    expect(await deployed.json()).toMatchObject({ status: 'deployed', decided_by: 'admin' });
    await expectAdminError(await mr('PATCH', `/${asked.id}`, adminA.key, { status: 'declined' }), 409, {
      code: 'invalid_transition',
    });
  });

  it('keeps decisions final and refuses a status it does not know', async () => {
    const asked = await ask(memberA2.key, `triage/final-${suffix}`);
    expect((await mr('PATCH', `/${asked.id}`, adminA.key, { status: 'declined' })).status).toBe(200);
    await expectAdminError(await mr('PATCH', `/${asked.id}`, adminA.key, { status: 'approved' }), 409, {
      code: 'invalid_transition',
    });
    await expectAdminError(await mr('PATCH', `/${asked.id}`, adminA.key, { status: 'open' }), 400, { param: 'status' });
    await expectAdminError(await mr('PATCH', `/mr_missing`, adminA.key, { status: 'approved' }), 404, {
      code: 'model_request_not_found',
    });
  });

  it('records asking and deciding in the audit log, without the request’s text', async () => {
    const asked = await ask(memberA1.key, `audit/me-${suffix}`);
    await mr('PATCH', `/${asked.id}`, adminA.key, { status: 'approved', note: 'fine' });
    const res = await call(`/admin/v1/audit?target=${asked.id}`, { token: adminA.key });
    const records = (
      (await res.json()) as {
        data: Array<{ action: string; actor: string; tenant_id: string; target_type: string; detail: unknown }>;
      }
    ).data;
    expect(records.map((r) => [r.action, r.actor, r.tenant_id, r.target_type])).toEqual([
      ['model_request.update', adminA.id, tenantA, 'model_request'],
      ['model_request.create', memberA1.id, tenantA, 'model_request'],
    ]);
    expect(JSON.stringify(records)).not.toContain(BODY.use_case);
  });

  it('concurrent decisions: those that lost the race (409 conflict) leave no audit record of a change that never happened', async () => {
    const asked = await ask(memberA1.key, `audit/race-${suffix}`);
    const decisions = ['approved', 'declined', 'deployed', 'approved', 'declined', 'deployed'];
    const answers = await Promise.all(decisions.map((status) => mr('PATCH', `/${asked.id}`, adminA.key, { status })));
    const done = answers.filter((r) => r.status === 200).length;
    expect(done).toBeGreaterThanOrEqual(1);
    const res = await call(`/admin/v1/audit?target=${asked.id}`, { token: adminA.key });
    const records = ((await res.json()) as { data: Array<{ action: string; detail: { from: string; to: string } }> })
      .data;
    const updates = records.filter((r) => r.action === 'model_request.update');
    // One record per change made, and they chain: each starts where the one before it ended.
    expect(updates).toHaveLength(done);
    const chain = updates.reverse().map((r) => r.detail);
    chain.forEach((step, i) => expect(step.from).toBe(i === 0 ? 'open' : chain[i - 1]!.to));
    const final = (await (await mr('GET', `/${asked.id}`, adminA.key)).json()) as ModelRequest;
    expect(final.status).toBe(chain.at(-1)!.to);
  });
});

describe('pagination', () => {
  it('pages newest first with next_cursor until it is null, each request once', async () => {
    const t = `mr-p-${suffix}`;
    await admin('POST', '/tenants', { name: t });
    const asker = await createKey({ kind: 'platform', role: 'tenant_admin', tenant: t });
    const made: string[] = [];
    for (let i = 0; i < 5; i++) made.push((await ask(asker.key, `page/m${i}-${suffix}`)).id);
    const seen: ModelRequest[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res = await mr('GET', `?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, asker.key);
      const body = (await res.json()) as { data: ModelRequest[]; next_cursor: string | null };
      expect(body.data.length).toBeLessThanOrEqual(2);
      seen.push(...(body.data as Array<ModelRequest & { created_at: string }>));
      cursor = body.next_cursor;
      pages++;
    } while (cursor && pages < 10);
    expect(pages).toBe(3);
    expect(seen.map((r) => r.id).sort()).toEqual([...made].sort());
    // Newest first: (created_at, id) never increases from one row to the next.
    const keys = seen.map((r) => `${(r as ModelRequest & { created_at: string }).created_at}|${r.id}`);
    expect(keys).toEqual([...keys].sort().reverse());

    const open = await mr('GET', '?status=declined', asker.key);
    expect(((await open.json()) as { data: unknown[] }).data).toEqual([]);
    await expectAdminError(await mr('GET', '?cursor=garbage', asker.key), 400, { param: 'cursor' });
    await expectAdminError(await mr('GET', '?limit=0', asker.key), 400, { param: 'limit' });
  });
});
