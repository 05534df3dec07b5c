import { isExternal, type ExternalEntity, type ServedEntity } from '../endpoints/schema';
import { errors } from '../http/errors';
import { secretGranted, secretName, secretValue } from './secrets';

export const OPENAI_API_BASE = 'https://api.openai.com/v1';
export const ANTHROPIC_API_BASE = 'https://api.anthropic.com';
/** The Messages API version the router speaks (sent as `anthropic-version`). */
export const ANTHROPIC_VERSION = '2023-06-01';

/** Where an external model's provider is reached, and with which secret. */
export interface ProviderApi {
  provider: 'openai' | 'anthropic';
  /** Base URL the routes are appended to (`/chat/completions` for OpenAI, `/v1/messages` for Anthropic). */
  base: string;
  secret: string;
}

export function providerApi(entity: ExternalEntity): ProviderApi {
  const m = entity.external_model;
  if (m.provider === 'anthropic') {
    const config = m.anthropic_config!;
    return {
      provider: 'anthropic',
      base: config.anthropic_api_base ?? ANTHROPIC_API_BASE,
      secret: secretName(config.anthropic_api_key),
    };
  }
  const config = m.openai_config!;
  return {
    provider: 'openai',
    base: config.openai_api_base ?? OPENAI_API_BASE,
    secret: secretName(config.openai_api_key),
  };
}

/** The provider's auth headers: OpenAI's bearer token, Anthropic's `x-api-key` and version. */
export function providerHeaders(api: ProviderApi, key: string): Record<string, string> {
  if (api.provider === 'anthropic') return { 'x-api-key': key, 'anthropic-version': ANTHROPIC_VERSION };
  return { authorization: `Bearer ${key}` };
}

/** What the provider's credential is replaced with wherever a provider's text quotes it. */
export const SECRET_MASK = '[secret]';

/**
 * Cuts `key` (the provider's credential) out of a text the provider sent. The
 * transport applies it to every failure text (error bodies, connection errors) and
 * every event of the provider's stream (its error events included) before anything
 * reads it, so logs, client answers and metrics only ever see the redacted text;
 * callers cut the text shorter only after.
 */
export function secretRedactor(key: string): (text: string) => string {
  if (key === '') return (text) => text;
  // Applied to every event of a provider's stream: most carry no key, and are returned as they are.
  return (text) => (text.includes(key) ? text.split(key).join(SECRET_MASK) : text);
}

/**
 * Why an external model cannot serve right now (its secret is not granted to the
 * endpoint's tenant, or not set), or null. Never includes the secret's value.
 */
export function externalProblem(entity: ExternalEntity, env: Env, tenantId: string): string | null {
  const { secret } = providerApi(entity);
  if (!secretGranted(env, secret, tenantId)) {
    return `served entity '${entity.name}': secret '${secret}' is not granted to external models of this tenant (EXTERNAL_SECRETS)`;
  }
  if (secretValue(env, secret) === null) {
    return `served entity '${entity.name}': secret '${secret}' is not set (wrangler secret put ${secret}, or .dev.vars locally)`;
  }
  return null;
}

/** Refuses (400) a config whose external models reference secrets this tenant may not use. */
export function refuseUngrantedSecrets(served: ServedEntity[], env: Env, tenantId: string): void {
  served.forEach((entity, i) => {
    if (!isExternal(entity)) return;
    const api = providerApi(entity);
    if (secretGranted(env, api.secret, tenantId)) return;
    const field = api.provider === 'openai' ? 'openai_config.openai_api_key' : 'anthropic_config.anthropic_api_key';
    throw errors.secretNotGranted(api.secret, tenantId, `served_entities.${i}.external_model.${field}`);
  });
}
