import { routerConfig } from '../../config';
import { Hono, type Context } from 'hono';
import { z } from 'zod';
import { auditStatement } from '../../audit/audit-log';
import { forgetKey } from '../../auth/key-cache';
import { KeyStore } from '../../auth/key-store';
import { newKey } from '../../auth/new-key';
import { policy } from './policy';
import { forgetEndpoint } from '../../endpoints/cache';
import { normalizeConfig } from '../../endpoints/normalize-config';
import { checkGuardrails } from '../../guardrails/validate-config';
import { redactConfig, restoreOrigins } from '../../endpoints/redact';
import { rollOut } from './rollout';
import {
  EndpointCreate,
  EndpointPatch,
  isExternal,
  type Endpoint,
  type EndpointConfig,
  type ServedEntity,
} from '../../endpoints/schema';
import { EndpointStore } from '../../endpoints/store';
import type { AdminEnv } from './admin-auth';
import { adminBody } from './admin-body';
import { refuseUngrantedSecrets } from '../../external/provider';
import { forgetEndpointLimits } from '../../gate/admit';
import { gateFor } from '../../gate/lease';
import { errors } from '../../http/errors';
import { decodeCursor, DEFAULT_PAGE_SIZE, PageQuery, toPage } from '../../http/pagination';
import { validateQuery } from '../../http/validate';
import { forgetHealth, healthMap } from '../../origins/health-store';
import { EntityUpdate, Rollback, Share } from './admin-schemas';
import { baseUrlOf, managedEndpoint, ownEndpoint, viewFor, visibleEndpoint } from './endpoint-access';
import { checkEndpointQuotas } from './quotas';
import { requireTenant } from './tenant-access';

/**
 * Admin API for endpoints: create (with its First Key), list, info, update and
 * rollback (new config versions, rolled out once healthy), stop, start, delete,
 * and sharing with other tenants.
 */
export const endpointAdmin = new Hono<AdminEnv>();

const now = () => new Date().toISOString();
const store = (c: Context<AdminEnv>) => new EndpointStore(c.env.DB);

/** The endpoint as the admin API shows it, read from D1. A read drops no cache: it changed nothing. */
async function show(
  c: Context<AdminEnv>,
  name: string,
  status: 200 | 201 | 202 = 200,
  extra: Record<string, unknown> = {},
) {
  const endpoint = (await store(c).get(name))!;
  return c.json(
    { ...viewFor(c.get('principal'), endpoint, await healthMap(c.env.DB), c.env, baseUrlOf(c), true), ...extra },
    status,
  );
}

/** After a write: this isolate's caches drop the endpoint (and origin health, for new origins), then it is shown. */
function showWritten(
  c: Context<AdminEnv>,
  name: string,
  status: 200 | 201 | 202 = 200,
  extra: Record<string, unknown> = {},
) {
  forgetEndpoint(name);
  forgetHealth();
  return show(c, name, status, extra);
}

endpointAdmin.post('/admin/v1/endpoints', async (c) => {
  const p = c.get('principal');
  const input = await adminBody(c, EndpointCreate);
  const tenantId = input.tenant ?? p.tenantId ?? 'default';
  if (!policy.createsEndpointsIn(p, tenantId)) {
    throw errors.forbidden(
      p.tenantId !== null && tenantId !== p.tenantId
        ? 'You can only create endpoints in your own tenant'
        : `Your role (${p.role}) may not create endpoints`,
    );
  }
  await requireTenant(c, tenantId, 'tenant');
  const config = normalizeConfig(input);
  await checkGuardrails(c.env.DB, input.name, tenantId, config);
  refuseUngrantedSecrets(config.served_entities, c.env, tenantId);
  await checkEndpointQuotas(c, tenantId, config, null);
  const at = now();
  const first = await newKey(
    {
      description: `First Key of endpoint '${input.name}'`,
      endpoints: [input.name],
      concurrency_limit: routerConfig(c.env).defaultConcurrencyLimit,
      tenant_id: tenantId,
      kind: 'endpoint',
      role: null,
      expires_at: null,
      locked: true,
      created_by: p.id,
      token_budget: null,
    },
    at,
  );
  const db = c.env.DB;
  await store(c).create(
    {
      name: input.name,
      description: input.description ?? '',
      tenantId,
      owner: p.id,
      maxInTenant: routerConfig(c.env).tenantQuotas.endpoints,
    },
    config,
    at,
    [
      new KeyStore(db).insertStatement(first.record),
      auditStatement(
        db,
        p,
        {
          action: 'endpoint.create',
          targetType: 'endpoint',
          targetId: input.name,
          tenantId,
          detail: { config_version: 1 },
        },
        at,
      ),
      auditStatement(
        db,
        p,
        {
          action: 'key.create',
          targetType: 'key',
          targetId: first.record.id,
          tenantId,
          detail: { first_key_of: input.name },
        },
        at,
      ),
    ],
  );
  return showWritten(c, input.name, 201, {
    first_key: { id: first.record.id, key: first.plaintext, prefix: first.record.prefix },
  });
});

/** The endpoint listing's position: an object of its own, so another listing's cursor is refused, not read as a name. */
const EndpointCursor = z.strictObject({ name: z.string() });

/** A page of the endpoints the caller may see, in name order: read from its tenant's rows only. */
endpointAdmin.get('/admin/v1/endpoints', async (c) => {
  const p = c.get('principal');
  const q = validateQuery(PageQuery, c.req.query());
  const limit = q.limit ?? DEFAULT_PAGE_SIZE;
  const after = q.cursor === undefined ? '' : decodeCursor(q.cursor, EndpointCursor).name;
  const [rows, health] = await Promise.all([store(c).page(p.tenantId, after, limit + 1), healthMap(c.env.DB)]);
  const base = baseUrlOf(c);
  return c.json(
    toPage(
      rows,
      limit,
      (e) => ({ name: e.name }),
      (e) => viewFor(p, e, health, c.env, base),
    ),
  );
});

/** Endpoint info, with each origin's last probed health (the cron probe; passive ejections are per isolate and not shown). */
endpointAdmin.get('/admin/v1/endpoints/:name', async (c) => show(c, (await visibleEndpoint(c)).name));

/** A new config version: it serves once its origins answer a health probe (200), or later (202, `config_update: in_progress`). */
endpointAdmin.patch('/admin/v1/endpoints/:name', async (c) => {
  const patch = await adminBody(c, EndpointPatch);
  if (Object.keys(patch).length === 0) throw errors.emptyUpdate();
  const current = await managedEndpoint(c);
  const fields = Object.keys(patch);
  if (patch.served_entities) patch.served_entities = await restoreCredentials(c, current, patch.served_entities);
  if (patch.served_entities) refuseUngrantedSecrets(patch.served_entities, c.env, current.tenant_id);
  const config = normalizeConfig(patch, current);
  if (patch.guardrails !== undefined) await checkGuardrails(c.env.DB, current.name, current.tenant_id, config);
  return propose(c, current, patch.description ?? current.description, config, 'endpoint.update', { fields });
});

/**
 * Origin URLs come back redacted from every read; an update that sends one back
 * unchanged keeps the stored URL (with its credentials). A masked URL matching
 * nothing stored is refused: the mask is not a credential.
 */
async function restoreCredentials(
  c: Context<AdminEnv>,
  current: Endpoint,
  entities: ServedEntity[],
): Promise<ServedEntity[]> {
  const { entities: restored, unmatched } = restoreOrigins(entities, await store(c).originUrlsEver(current.name));
  if (unmatched.length) {
    throw errors.maskedOriginUnmatched(unmatched[0]!);
  }
  return restored;
}

/**
 * A page of the config history, oldest first: for the endpoint's own tenant and org admins (a tenant it is
 * shared with gets 404), credentials redacted.
 */
endpointAdmin.get('/admin/v1/endpoints/:name/versions', async (c) => {
  const q = validateQuery(PageQuery, c.req.query());
  const limit = q.limit ?? DEFAULT_PAGE_SIZE;
  const after = q.cursor === undefined ? 0 : decodeCursor(q.cursor, z.number().int().min(0));
  const endpoint = await ownEndpoint(c);
  const versions = await store(c).versions(endpoint.name, after, limit + 1);
  return c.json(
    toPage(
      versions,
      limit,
      (v) => v.version,
      (v) => ({
        version: v.version,
        created_at: v.created_at,
        serving: v.version === endpoint.config_version,
        pending: v.version === endpoint.pending_version,
        config: redactConfig(v.config),
      }),
    ),
  );
});

/** Roll back to an earlier version: its config becomes a new version, rolled out like any update. */
endpointAdmin.post('/admin/v1/endpoints/:name/rollback', async (c) => {
  const { version } = await adminBody(c, Rollback);
  const current = await managedEndpoint(c);
  const target = await store(c).version(current.name, version);
  if (!target) throw errors.versionNotFound(current.name, version);
  await checkGuardrails(c.env.DB, current.name, current.tenant_id, target.config);
  return propose(c, current, current.description, target.config, 'endpoint.rollback', { to_version: version });
});

/** Update one served entity's model (or model version) in place: a new config version with only that change. */
endpointAdmin.patch('/admin/v1/endpoints/:name/served-entities/:entity', async (c) => {
  const change = await adminBody(c, EntityUpdate);
  if (Object.keys(change).length === 0) throw errors.emptyUpdate();
  const current = await managedEndpoint(c);
  const name = c.req.param('entity');
  const entity = current.served_entities.find((e) => e.name === name);
  if (!entity) throw errors.servedEntityNotFound(current.name, name);
  if (isExternal(entity)) {
    throw errors.externalModelEntity(name, current.name);
  }
  const served_entities = current.served_entities.map((e) => (e.name === name ? { ...e, ...change } : e));
  return propose(c, current, current.description, { ...current, served_entities }, 'endpoint.update_served_entity', {
    served_entity: name,
    ...change,
  });
});

async function propose(
  c: Context<AdminEnv>,
  current: Endpoint,
  description: string,
  config: EndpointConfig,
  action: string,
  detail: Record<string, unknown>,
): Promise<Response> {
  await checkEndpointQuotas(c, current.tenant_id, config, current.name);
  const at = now();
  const audit = (version: number) =>
    auditStatement(
      c.env.DB,
      c.get('principal'),
      {
        action,
        targetType: 'endpoint',
        targetId: current.name,
        tenantId: current.tenant_id,
        detail: { ...detail, config_version: version },
      },
      at,
      { ifChanged: true }, // right after the proposal's conditional update (EndpointStore.propose)
    );
  const version = await store(c).propose(current, description, pick(config), at, (v) => [audit(v)]);
  const switched = await rollOut(c.env, current.tenant_id, current, version, config, (p) =>
    c.executionCtx.waitUntil(p.then(() => forgetEndpoint(current.name))),
  );
  return showWritten(c, current.name, switched ? 200 : 202);
}

function pick(config: EndpointConfig): EndpointConfig {
  const { served_entities, traffic, defaults, rate_limits, tags, timeouts, guardrails } = config;
  return { served_entities, traffic, defaults, rate_limits, tags, timeouts, ...(guardrails ? { guardrails } : {}) };
}

endpointAdmin.post('/admin/v1/endpoints/:name/stop', (c) => setState(c, 'stop', 'stopped'));
endpointAdmin.post('/admin/v1/endpoints/:name/start', (c) => setState(c, 'start', 'ready'));

async function setState(c: Context<AdminEnv>, action: 'stop' | 'start', state: 'stopped' | 'ready') {
  const endpoint = await managedEndpoint(c);
  const at = now();
  await c.env.DB.batch([
    store(c).setStateStatement(endpoint, state, at),
    auditStatement(
      c.env.DB,
      c.get('principal'),
      { action: `endpoint.${action}`, targetType: 'endpoint', targetId: endpoint.name, tenantId: endpoint.tenant_id },
      at,
      { ifChanged: true }, // an endpoint deleted meanwhile was not stopped or started
    ),
  ]);
  return showWritten(c, endpoint.name);
}

/** Deletes the endpoint, its config history, shares and rate-limit state; its First Key is revoked with it. */
endpointAdmin.delete('/admin/v1/endpoints/:name', async (c) => {
  const endpoint = await managedEndpoint(c);
  const keys = new KeyStore(c.env.DB);
  const firstKeys = await keys.firstKeysOf(endpoint.name, endpoint.tenant_id);
  const at = now();
  const deletes = store(c).deleteStatements(endpoint);
  const results = await c.env.DB.batch([
    ...deletes,
    auditStatement(
      c.env.DB,
      c.get('principal'),
      { action: 'endpoint.delete', targetType: 'endpoint', targetId: endpoint.name, tenantId: endpoint.tenant_id },
      at,
      { ifChanged: true }, // right after the endpoint's own row: a delete that lost a race to another deleted nothing
    ),
    ...firstKeys.map((k) => keys.revokeStatement(k, at)),
  ]);
  // The endpoint's own row is the last delete: a request that lost a race to another delete deleted nothing, and
  // is told so as any request naming an endpoint that does not exist (the winner revokes and forgets).
  if (!results[deletes.length - 1]?.meta.changes) throw errors.notFound('Endpoint', endpoint.name);
  await Promise.all([...firstKeys.map((k) => gateFor(c.env, k).revoke()), forgetEndpointLimits(c.env, endpoint)]);
  for (const k of firstKeys) forgetKey(k.hash);
  forgetEndpoint(endpoint.name);
  return c.json({ name: endpoint.name, deleted: true });
});

/** Share an endpoint with another tenant: that tenant's keys may call it (and its members see it). */
endpointAdmin.post('/admin/v1/endpoints/:name/shares', async (c) => {
  const { tenant } = await adminBody(c, Share);
  const endpoint = await managedEndpoint(c);
  if (tenant === endpoint.tenant_id) throw errors.ownTenant();
  // Whether a tenant of that name exists is not checked: the answer is the same either way, so sharing
  // tells nobody which tenants exist. A share naming no tenant is inert (and dropped if one is created).
  const at = now();
  await c.env.DB.batch([
    store(c).shareStatement(endpoint, tenant, at),
    auditStatement(
      c.env.DB,
      c.get('principal'),
      {
        action: 'endpoint.share',
        targetType: 'endpoint',
        targetId: endpoint.name,
        tenantId: endpoint.tenant_id,
        detail: { with: tenant },
      },
      at,
      { ifChanged: true }, // a share that exists already (or an endpoint deleted meanwhile) is no change
    ),
  ]);
  return showWritten(c, endpoint.name);
});

endpointAdmin.delete('/admin/v1/endpoints/:name/shares/:tenant', async (c) => {
  const endpoint = await managedEndpoint(c);
  const tenant = c.req.param('tenant');
  const at = now();
  await c.env.DB.batch([
    store(c).unshareStatement(endpoint, tenant),
    auditStatement(
      c.env.DB,
      c.get('principal'),
      {
        action: 'endpoint.unshare',
        targetType: 'endpoint',
        targetId: endpoint.name,
        tenantId: endpoint.tenant_id,
        detail: { with: tenant },
      },
      at,
      { ifChanged: true }, // no such share (or an endpoint deleted meanwhile): no change
    ),
  ]);
  return showWritten(c, endpoint.name);
});
