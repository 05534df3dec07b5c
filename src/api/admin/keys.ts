import { routerConfig } from '../../config';
import { Hono, type Context } from 'hono';
import { z } from 'zod';
import { auditStatement } from '../../audit/audit-log';
import { forgetKey } from '../../auth/key-cache';
import { publicKey, type KeyRecord } from '../../auth/key-record';
import { KeyStore } from '../../auth/key-store';
import { newKey } from '../../auth/new-key';
import { policy } from './policy';
import type { Principal } from '../../auth/principal';
import { EndpointStore } from '../../endpoints/store';
import type { AdminEnv } from './admin-auth';
import { adminBody } from './admin-body';
import { gateFor } from '../../gate/lease';
import { PERIOD_MS } from '../../gate/rules';
import { errors } from '../../http/errors';
import { decodeCursor, DEFAULT_PAGE_SIZE, PageQuery, toPage } from '../../http/pagination';
import { validateQuery } from '../../http/validate';
import { KeyCreate, KeyPatch } from './key-schemas';
import { requireTenant } from './tenant-access';

/** Admin API for API keys: create (plaintext shown once), list, info, usage, edit, revoke. */
export const keyAdmin = new Hono<AdminEnv>();

const store = (c: Context<AdminEnv>) => new KeyStore(c.env.DB);

async function visibleKey(c: Context<AdminEnv>): Promise<KeyRecord> {
  const id = c.req.param('id')!;
  // Read within the principal's tenant (SQL), then narrowed by role and creator.
  const key = await store(c).byId(id, c.get('principal').tenantId);
  if (!key || !policy.seesKey(c.get('principal'), key)) throw errors.notFound('API key', id);
  return key;
}

/**
 * The tenant an audit record about a key is filed under: its own, except for an org-wide (`org_admin`)
 * key, which is beyond every tenant principal whatever tenant it was filed under (policy.seesKey): its
 * records carry no tenant, so only org admins read them.
 */
function auditTenantOf(key: Pick<KeyRecord, 'tenant_id' | 'role'>): string | null {
  return key.role === 'org_admin' ? null : key.tenant_id;
}

function unlocked(key: KeyRecord, verb: string): KeyRecord {
  if (key.locked) throw errors.forbidden(`The First Key of an endpoint cannot be ${verb}`);
  return key;
}

keyAdmin.post('/admin/v1/keys', async (c) => {
  const p = c.get('principal');
  const input = await adminBody(c, KeyCreate);
  const tenantId = input.tenant ?? p.tenantId ?? 'default';
  if (!policy.seesTenant(p, tenantId)) throw errors.forbidden('You can only create keys in your own tenant');
  await requireTenant(c, tenantId, 'tenant');
  const kind = input.kind ?? 'endpoint';
  if (kind === 'platform' && !policy.grantsRole(p, input.role!))
    throw errors.forbidden(`Your role (${p.role}) may not create ${input.role} keys`);
  const endpoints = input.endpoints ? [...new Set(input.endpoints)] : null;
  if (kind === 'endpoint') await checkScope(c, p, tenantId, endpoints);
  const concurrency =
    input.concurrency_limit ?? Math.min(routerConfig(c.env).defaultConcurrencyLimit, policy.maxConcurrency(p));
  if (concurrency > policy.maxConcurrency(p)) {
    throw errors.concurrencyAboveRole(p.role, policy.maxConcurrency(p), concurrency);
  }
  const maxKeys = routerConfig(c.env).tenantQuotas.keys;
  if ((await store(c).activeCount(tenantId)) >= maxKeys) throw errors.quotaExceeded(tenantId, 'active keys', maxKeys);
  if (input.token_budget && kind !== 'endpoint') {
    throw errors.invalidField(
      'token_budget',
      'only endpoint keys call the inference API; a platform key has no token budget',
    );
  }
  if (input.expires_at && Date.parse(input.expires_at) <= Date.now()) {
    throw errors.invalidField('expires_at', 'must be in the future');
  }
  const at = new Date().toISOString();
  const { record, plaintext } = await newKey(
    {
      description: input.description ?? '',
      endpoints: kind === 'endpoint' ? endpoints : null,
      concurrency_limit: concurrency,
      tenant_id: tenantId,
      kind,
      role: input.role ?? null,
      expires_at: input.expires_at ? new Date(input.expires_at).toISOString() : null,
      locked: false,
      created_by: p.id,
      token_budget: input.token_budget ?? null,
    },
    at,
  );
  // The insert re-checks the quota in SQL (concurrent creates cannot overshoot); the audit record only follows a written key.
  const [inserted] = await c.env.DB.batch([
    store(c).insertWithinQuotaStatement(record, maxKeys),
    auditStatement(
      c.env.DB,
      p,
      {
        action: 'key.create',
        targetType: 'key',
        targetId: record.id,
        tenantId: auditTenantOf(record),
        detail: { kind, role: record.role, endpoints },
      },
      at,
      {
        ifKey: record.id,
      },
    ),
  ]);
  if (!inserted || inserted.meta.changes !== 1) throw errors.quotaExceeded(tenantId, 'active keys', maxKeys);
  return c.json({ ...publicKey(record), key: plaintext }, 201);
});

/**
 * Endpoint keys may only name endpoints their tenant can use; an owner only its
 * own endpoints, a member only endpoints it can see — and both must name them.
 */
async function checkScope(
  c: Context<AdminEnv>,
  p: Principal,
  tenantId: string,
  endpoints: string[] | null,
): Promise<void> {
  if (endpoints === null) {
    if (p.role === 'owner' || p.role === 'member') {
      throw errors.invalidField('endpoints', 'your role must name the endpoints the key may call');
    }
    return;
  }
  // Only the named endpoints are read, and only those the tenant may use.
  const usable = await new EndpointStore(c.env.DB).usableByTenant(tenantId, endpoints);
  const byName = new Map(usable.map((e) => [e.name, e]));
  const unknown = endpoints.filter((n) => !byName.has(n) || !policy.seesEndpoint(p, byName.get(n)!));
  if (unknown.length) throw errors.unknownEndpoints(unknown);
  if (p.role === 'owner') {
    const notOwned = endpoints.filter((n) => !policy.managesEndpoint(p, byName.get(n)!));
    if (notOwned.length)
      throw errors.forbidden(`Owners may only create keys for their own endpoints (not: ${notOwned.join(', ')})`);
  }
}

const KeyCursor = z.object({ created_at: z.string(), id: z.string() });

/** A page of the keys the caller may see, oldest first; the scope is SQL (its tenant, the roles it may see, its own keys below tenant admin). */
keyAdmin.get('/admin/v1/keys', async (c) => {
  const p = c.get('principal');
  const q = validateQuery(PageQuery, c.req.query());
  const limit = q.limit ?? DEFAULT_PAGE_SIZE;
  const after = q.cursor === undefined ? null : decodeCursor(q.cursor, KeyCursor);
  const scope = {
    tenantId: p.tenantId,
    roles: policy.keyRolesSeenBy(p),
    createdBy: p.tenantId === null || p.role === 'tenant_admin' ? null : p.id,
  };
  const rows = await store(c).page(scope, after, limit + 1);
  return c.json(toPage(rows, limit, (k) => ({ created_at: k.created_at, id: k.id }), publicKey));
});

/** Key info, with the requests it has in flight right now and its token budget's current window (one read of its gate). */
keyAdmin.get('/admin/v1/keys/:id', async (c) => {
  const key = await visibleKey(c);
  const status = await gateFor(c.env, key).status(budgetPeriod(key));
  return c.json({ ...publicKey(key), in_flight: status.inFlight, token_window: status.budget });
});

const UsageCursor = z.object({ hour: z.string(), endpoint: z.string() });

/** A page of the key's usage rows, newest hour first (read from its gate, `limit + 1` rows), with its token budget's window. */
keyAdmin.get('/admin/v1/keys/:id/usage', async (c) => {
  const q = validateQuery(PageQuery, c.req.query());
  const limit = q.limit ?? DEFAULT_PAGE_SIZE;
  const after = q.cursor === undefined ? null : decodeCursor(q.cursor, UsageCursor);
  const key = await visibleKey(c);
  const gate = gateFor(c.env, key);
  const period = budgetPeriod(key);
  const [rows, window] = await Promise.all([gate.usage(after, limit + 1), period ? gate.budget(period) : null]);
  return c.json({
    ...toPage(
      rows,
      limit,
      (r) => ({ hour: r.hour, endpoint: r.endpoint }),
      (r) => r,
    ),
    key_id: key.id,
    token_budget: key.token_budget,
    token_window: window,
  });
});

function budgetPeriod(key: KeyRecord): number | undefined {
  return key.token_budget ? PERIOD_MS[key.token_budget.renewal_period] : undefined;
}

keyAdmin.patch('/admin/v1/keys/:id', async (c) => {
  const patch = await adminBody(c, KeyPatch);
  const key = unlocked(await visibleKey(c), 'edited');
  if (patch.token_budget && key.kind !== 'endpoint') {
    throw errors.invalidField(
      'token_budget',
      'only endpoint keys call the inference API; a platform key has no token budget',
    );
  }
  const at = new Date().toISOString();
  const fields = Object.keys(patch).sort();
  const budget = patch.token_budget === undefined ? key.token_budget : patch.token_budget;
  await c.env.DB.batch([
    store(c).editStatement(key, { description: patch.description ?? key.description, token_budget: budget }),
    auditStatement(
      c.env.DB,
      c.get('principal'),
      { action: 'key.edit', targetType: 'key', targetId: key.id, tenantId: auditTenantOf(key), detail: { fields } },
      at,
    ),
  ]);
  forgetKey(key.hash);
  return c.json(publicKey((await store(c).byId(key.id))!));
});

/** Irreversible. D1 says revoked for every isolate's next cache miss; the gate refuses the key at once. */
keyAdmin.post('/admin/v1/keys/:id/revoke', async (c) => {
  const key = unlocked(await visibleKey(c), 'revoked');
  const at = new Date().toISOString();
  await c.env.DB.batch([
    store(c).revokeStatement(key, at),
    auditStatement(
      c.env.DB,
      c.get('principal'),
      { action: 'key.revoke', targetType: 'key', targetId: key.id, tenantId: auditTenantOf(key) },
      at,
      { ifChanged: true }, // a key revoked already (or by a concurrent revoke) was not revoked again
    ),
  ]);
  await gateFor(c.env, key).revoke();
  forgetKey(key.hash);
  return c.json(publicKey((await store(c).byId(key.id))!));
});
