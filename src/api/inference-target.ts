import type { Context } from 'hono';
import { keyMayCall, tenantMayUse } from '../endpoints/access';
import { resolveEndpoint } from '../endpoints/cache';
import type { Endpoint } from '../endpoints/schema';
import type { InferenceEnv } from '../auth/inference-env';
import { errors } from '../http/errors';
import { readJsonBody } from '../http/json-body';
import { couldBeEndpointName } from '../endpoints/endpoint-name';

/** An inference request's JSON body; its `model` is kept to count a refusal against (src/metrics/hooks.ts). */
export async function readInferenceBody(c: Context<InferenceEnv>): Promise<unknown> {
  const body = await readJsonBody(c);
  const model = (body as { model?: unknown } | null)?.model;
  if (typeof model === 'string' && couldBeEndpointName(model)) c.set('bodyModel', model);
  return body;
}

/**
 * The endpoint a request is for: named by the path (`/endpoints/{name}/…`, where
 * any `model` in the body is ignored) or by the body's `model`. Checks that it
 * exists for the key's tenant (404; a name no endpoint can have is not looked up), that the key's scope allows it (403) and that
 * it is serving (503).
 */
export async function targetEndpoint(c: Context<InferenceEnv>, modelField: unknown): Promise<Endpoint> {
  const name = c.req.param('name') ?? modelField;
  if (typeof name !== 'string' || name === '') {
    // TGI clients never send `model` (a TGI server has one model): say where the endpoint's name goes.
    const hint = /\/generate(_stream)?$/.test(c.req.path)
      ? "name the endpoint in the body's 'model', or call /endpoints/{name}/generate"
      : 'name the endpoint to call';
    throw errors.invalidBody(`Invalid 'model': required field is missing (${hint})`, 'model');
  }
  // A name no endpoint can have is not looked up (nor cached as missing): D1 and the cache see endpoint names only.
  if (!couldBeEndpointName(name)) throw errors.unknownModel(name);
  const endpoint = await resolveEndpoint(c.env.DB, name);
  if (endpoint) c.set('endpointName', endpoint.name);
  const key = c.get('apiKey');
  // Another tenant's endpoint (not shared with this key's tenant) does not exist for this key.
  if (!endpoint || !tenantMayUse(endpoint, key.tenant_id)) {
    throw errors.unknownModel(name);
  }
  if (!keyMayCall(key, endpoint)) throw errors.notScoped(endpoint.name);
  if (endpoint.state === 'stopped') throw errors.stopped(endpoint.name);
  return endpoint;
}
