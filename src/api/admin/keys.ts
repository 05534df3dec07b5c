import { Hono, type Context } from 'hono';
import { forgetKey } from '../../auth/key-cache';
import { generateKey, generateKeyId, displayPrefix, hashKey } from '../../auth/key-material';
import { publicKey, type KeyRecord } from '../../auth/key-record';
import { KeyStore } from '../../auth/key-store';
import { EndpointStore } from '../../endpoints/store';
import type { AppEnv } from '../../env';
import { gateFor } from '../../gate/lease';
import { ApiError } from '../../http/api-error';
import { readJsonBody } from '../../http/json-body';
import { validate } from '../../http/validate';
import { KeyCreate, KeyPatch } from './key-schemas';

/** Admin API for API keys: create (plaintext shown once), list, info, edit, revoke. */
export const keyAdmin = new Hono<AppEnv>();

const store = (c: Context<AppEnv>) => new KeyStore(c.env.DB);

async function existing(c: Context<AppEnv>): Promise<KeyRecord> {
  const id = c.req.param('id')!;
  const key = await store(c).byId(id);
  if (!key) throw new ApiError(404, `API key '${id}' does not exist`, { code: 'key_not_found' });
  return key;
}

keyAdmin.post('/', async (c) => {
  const input = validate(KeyCreate, await readJsonBody(c));
  const endpoints = input.endpoints ?? null;
  if (endpoints) await checkEndpointsExist(c, endpoints);
  const plaintext = generateKey();
  const record: KeyRecord = {
    id: generateKeyId(),
    hash: await hashKey(plaintext),
    prefix: displayPrefix(plaintext),
    description: input.description ?? '',
    endpoints: endpoints ? [...new Set(endpoints)] : null,
    concurrency_limit: input.concurrency_limit ?? defaultLimit(c),
    status: 'active',
    created_at: new Date().toISOString(),
    revoked_at: null,
  };
  await store(c).insert(record);
  const { id, prefix, description, concurrency_limit, status, created_at } = record;
  return c.json({ id, key: plaintext, prefix, description, endpoints: record.endpoints, concurrency_limit, status, created_at }, 201);
});

keyAdmin.get('/', async (c) => c.json({ object: 'list', data: (await store(c).list()).map(publicKey) }));

/** Key info, with the requests it has in flight right now (read from its gate). */
keyAdmin.get('/:id', async (c) => {
  const key = await existing(c);
  const inFlight = await gateFor(c.env, key).inFlight();
  return c.json({ ...publicKey(key), in_flight: inFlight });
});

keyAdmin.get('/:id/usage', async (c) => {
  const key = await existing(c);
  return c.json({ object: 'list', key_id: key.id, data: await gateFor(c.env, key).usage() });
});

keyAdmin.patch('/:id', async (c) => {
  const patch = validate(KeyPatch, await readJsonBody(c));
  const key = await existing(c);
  const updated = await store(c).setDescription(key.id, patch.description);
  forgetKey(key.hash);
  return c.json(publicKey(updated!));
});

/** Irreversible. D1 says revoked for every isolate's next cache miss; the gate refuses the key at once. */
keyAdmin.post('/:id/revoke', async (c) => {
  const key = await existing(c);
  const revoked = await store(c).revoke(key.id, new Date().toISOString());
  await gateFor(c.env, key).revoke();
  forgetKey(key.hash);
  return c.json(publicKey(revoked!));
});

function defaultLimit(c: Context<AppEnv>): number {
  const configured = Number(c.env.DEFAULT_CONCURRENCY_LIMIT);
  return Number.isInteger(configured) && configured > 0 ? configured : 8;
}

async function checkEndpointsExist(c: Context<AppEnv>, names: string[]): Promise<void> {
  const known = new Set((await new EndpointStore(c.env.DB).list()).map((e) => e.name));
  const unknown = names.filter((n) => !known.has(n));
  if (unknown.length) {
    throw new ApiError(400, `Unknown endpoint(s): ${unknown.join(', ')}`, { param: 'endpoints', code: 'endpoint_not_found' });
  }
}
