import { errors } from '../http/errors';
import { isExternal, type ServedEntity } from './schema';

/**
 * Databricks' rules for external models, checked on every new config: a provider
 * config that matches the provider, a task the provider serves, exactly one served
 * entity on an endpoint with an external model, and no update that adds or removes
 * `external_model` (`base` is the current config on updates).
 */
export function checkExternalModels(served: ServedEntity[], base?: ServedEntity[]): void {
  served.forEach((entity, i) => {
    if (!isExternal(entity)) return;
    const m = entity.external_model;
    const at = `served_entities.${i}.external_model`;
    const own = m.provider === 'openai' ? 'openai_config' : 'anthropic_config';
    const other = m.provider === 'openai' ? 'anthropic_config' : 'openai_config';
    if (m[own] === undefined)
      throw errors.invalidConfig(
        `External model '${entity.name}' with provider '${m.provider}' needs '${own}' (its API key as a secret reference)`,
        `${at}.${own}`,
      );
    if (m[other] !== undefined)
      throw errors.invalidConfig(
        `External model '${entity.name}' has provider '${m.provider}': remove '${other}'`,
        `${at}.${other}`,
      );
    if (m.provider === 'anthropic' && m.task !== 'llm/v1/chat') {
      throw errors.invalidConfig(
        `Provider 'anthropic' serves task 'llm/v1/chat' only (Messages API), not '${m.task}'`,
        `${at}.task`,
      );
    }
  });
  const external = served.some(isExternal);
  if (external && served.length !== 1) {
    throw errors.invalidConfig(
      `An endpoint with an external model has exactly one served entity (${served.length} given)`,
      'served_entities',
    );
  }
  if (base && base.some(isExternal) !== external) {
    throw errors.externalModelChange(external);
  }
}
