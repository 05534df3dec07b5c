import { errors } from '../http/errors';
import { checkExternalModels } from './external-rules';
import type { EndpointConfig, EndpointPatch, ServedEntity, TrafficRoute } from './schema';

/**
 * Builds the stored config from a create body, or from the current config plus a
 * patch, and checks what the field schemas cannot: unique served-entity names and
 * a traffic split that names existing entities and adds up to 100, and the
 * external-model rules (external-rules.ts).
 */
export function normalizeConfig(input: EndpointPatch, base?: EndpointConfig): EndpointConfig {
  const served = input.served_entities ?? base?.served_entities;
  if (!served) throw errors.invalidConfig('served_entities is required', 'served_entities');
  const names = new Set<string>();
  for (const entity of served) {
    if (names.has(entity.name)) {
      throw errors.invalidConfig(`served entity '${entity.name}' appears twice`, 'served_entities');
    }
    names.add(entity.name);
  }
  const entitiesChanged = input.served_entities !== undefined;
  if (entitiesChanged) checkExternalModels(served, base?.served_entities);
  const traffic = input.traffic ?? (entitiesChanged || !base ? evenSplit(served) : base.traffic);
  checkTraffic(traffic, names);
  const guardrails = input.guardrails ?? base?.guardrails;
  return {
    served_entities: served,
    traffic,
    defaults: input.defaults ?? base?.defaults ?? {},
    rate_limits: input.rate_limits ?? base?.rate_limits ?? [],
    tags: input.tags ?? base?.tags ?? [],
    timeouts: input.timeouts ?? base?.timeouts ?? {},
    // `{}` (no input, no output guard) removes the field.
    ...(guardrails?.input || guardrails?.output ? { guardrails } : {}),
  };
}

function evenSplit(served: ServedEntity[]): TrafficRoute[] {
  const share = Math.floor(100 / served.length);
  return served.map((entity, i) => ({
    served_entity: entity.name,
    percentage: share + (i === 0 ? 100 - share * served.length : 0),
  }));
}

function checkTraffic(traffic: TrafficRoute[], names: Set<string>): void {
  const seen = new Set<string>();
  let total = 0;
  for (const route of traffic) {
    if (!names.has(route.served_entity)) {
      throw errors.invalidConfig(`traffic names unknown served entity '${route.served_entity}'`, 'traffic');
    }
    if (seen.has(route.served_entity)) {
      throw errors.invalidConfig(`traffic names served entity '${route.served_entity}' twice`, 'traffic');
    }
    seen.add(route.served_entity);
    total += route.percentage;
  }
  if (total !== 100) throw errors.invalidConfig(`traffic percentages add up to ${total}, not 100`, 'traffic');
}
