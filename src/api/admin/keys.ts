import { Hono, type Context } from 'hono';
import { auditStatement } from '../../audit/audit-log';
import { forgetKey } from '../../auth/key-cache';
import { publicKey, type KeyRecord } from '../../auth/key-record';
import { KeyStore } from '../../auth/key-store';
import { newKey } from '../../auth/new-key';
import { forbidden, notFound, policy } from '../../auth/policy';
import type { Principal } from '../../auth/principal';
import { EndpointStore } from '../../endpoints/store';
import type { AppEnv } from '../../env';
import { gateFor } from '../../gate/lease';
import { ApiError } from '../../http/api-error';
import { readJsonBody } from '../../http/json-body';
import { validate } from '../../http/validate';
import { defaultLimit } from './default-limit';
import { KeyCreate, KeyPatch } from './key-schemas';
import { requireTenant } from './tenant-access';

/** Admin API for API keys: create (plaintext shown once), list, info, usage, edit, revoke. */
export const keyAdmin = new Hono<AppEnv>();

const store = (c: Context<AppEnv>) => new KeyStore(c.env.DB);

async function visibleKey(c: Context<AppEnv>): Promise<KeyRecord> {
  const id = c.req.param('id')!;
  const key = await store(c).byId(id);
  if (!key || !policy.seesKey(c.var.principal, key)) throw notFound('API key', id);
  return key;
}

function unlocked(key: KeyRecord, verb: string): KeyRecord {
  if (key.locked) throw forbidden(`The First Key of an endpoint cannot be ${verb}`);
  return key;
}

keyAdmin.post('/', async (c) => {
  const p = c.var.principal;
  const input = validate(KeyCreate, await readJsonBody(c));
  const tenantId = input.tenant ?? p.tenantId ?? 'default';
  if (!policy.seesTenant(p, tenantId)) throw forbidden('You can only create keys in your own tenant');
  await requireTenant(c, tenantId, 'tenant');
  const kind = input.kind ?? 'endpoint';
  if (kind === 'platform' && !policy.grantsRole(p, input.role!)) throw forbidden(`Your role (${p.role}) may not create ${input.role} keys`);
  const endpoints = input.endpoints ? [...new Set(input.endpoints)] : null;
  if (kind === 'endpoint') await checkScope(c, p, tenantId, endpoints);
  if (input.expires_at && Date.parse(input.expires_at) <= Date.now()) {
    throw new ApiError(400, "Invalid 'expires_at': must be in the future", { param: 'expires_at', code: 'invalid_body' });
  }
  const at = new Date().toISOString();
  const { record, plaintext } = await newKey(
    {
      description: input.description ?? '', endpoints: kind === 'endpoint' ? endpoints : null, concurrency_limit: input.concurrency_limit ?? defaultLimit(c),
      tenant_id: tenantId, kind, role: input.role ?? null, expires_at: input.expires_at ? new Date(input.expires_at).toISOString() : null,
      locked: false, created_by: p.id,
    },
    at,
  );
  await c.env.DB.batch([
    store(c).insertStatement(record),
    auditStatement(c.env.DB, p, { action: 'key.create', targetType: 'key', targetId: record.id, tenantId, detail: { kind, role: record.role, endpoints } }, at),
  ]);
  return c.json({ ...publicKey(record), key: plaintext }, 201);
});

/**
 * Endpoint keys may only name endpoints their tenant can use; an owner only its
 * own endpoints, a member only endpoints it can see — and both must name them.
 */
async function checkScope(c: Context<AppEnv>, p: Principal, tenantId: string, endpoints: string[] | null): Promise<void> {
  const all = await new EndpointStore(c.env.DB).list();
  const usable = all.filter((e) => e.tenant_id === tenantId || e.shared_with.includes(tenantId));
  if (endpoints === null) {
    if (p.role === 'owner' || p.role === 'member') {
      throw new ApiError(400, "Invalid 'endpoints': your role must name the endpoints the key may call", { param: 'endpoints', code: 'invalid_body' });
    }
    return;
  }
  const byName = new Map(usable.map((e) => [e.name, e]));
  const unknown = endpoints.filter((n) => !byName.has(n) || !policy.seesEndpoint(p, byName.get(n)!));
  if (unknown.length) throw new ApiError(400, `Unknown endpoint(s): ${unknown.join(', ')}`, { param: 'endpoints', code: 'endpoint_not_found' });
  if (p.role === 'owner') {
    const notOwned = endpoints.filter((n) => !policy.managesEndpoint(p, byName.get(n)!));
    if (notOwned.length) throw forbidden(`Owners may only create keys for their own endpoints (not: ${notOwned.join(', ')})`);
  }
}

keyAdmin.get('/', async (c) => c.json({ object: 'list', data: (await store(c).list()).filter((k) => policy.seesKey(c.var.principal, k)).map(publicKey) }));

/** Key info, with the requests it has in flight right now (read from its gate). */
keyAdmin.get('/:id', async (c) => {
  const key = await visibleKey(c);
  const inFlight = await gateFor(c.env, key).inFlight();
  return c.json({ ...publicKey(key), in_flight: inFlight });
});

keyAdmin.get('/:id/usage', async (c) => {
  const key = await visibleKey(c);
  return c.json({ object: 'list', key_id: key.id, data: await gateFor(c.env, key).usage() });
});

keyAdmin.patch('/:id', async (c) => {
  const patch = validate(KeyPatch, await readJsonBody(c));
  const key = unlocked(await visibleKey(c), 'edited');
  const at = new Date().toISOString();
  await c.env.DB.batch([
    c.env.DB.prepare('UPDATE api_keys SET description = ? WHERE id = ?').bind(patch.description, key.id),
    auditStatement(c.env.DB, c.var.principal, { action: 'key.edit', targetType: 'key', targetId: key.id, tenantId: key.tenant_id, detail: { fields: ['description'] } }, at),
  ]);
  forgetKey(key.hash);
  return c.json(publicKey((await store(c).byId(key.id))!));
});

/** Irreversible. D1 says revoked for every isolate's next cache miss; the gate refuses the key at once. */
keyAdmin.post('/:id/revoke', async (c) => {
  const key = unlocked(await visibleKey(c), 'revoked');
  const at = new Date().toISOString();
  await c.env.DB.batch([
    c.env.DB.prepare("UPDATE api_keys SET status = 'revoked', revoked_at = ? WHERE id = ? AND status = 'active'").bind(at, key.id),
    auditStatement(c.env.DB, c.var.principal, { action: 'key.revoke', targetType: 'key', targetId: key.id, tenantId: key.tenant_id }, at),
  ]);
  await gateFor(c.env, key).revoke();
  forgetKey(key.hash);
  return c.json(publicKey((await store(c).byId(key.id))!));
});
