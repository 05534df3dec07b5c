import { tenantMayUse } from '../endpoints/access';
import type { EndpointConfig, Guard } from '../endpoints/schema';
import { EndpointStore } from '../endpoints/store';
import { errors } from '../http/errors';

const STAGES = ['input', 'output'] as const;

/**
 * Checks an endpoint's guardrails against the other endpoints (what the schema
 * cannot): each guard endpoint exists and is visible to the endpoint's tenant (its
 * own or shared with it), is not this endpoint, and has no guardrails itself; and an
 * endpoint that already guards others gets no guardrails (a guard is never guarded).
 */
export async function checkGuardrails(
  db: D1Database,
  name: string,
  tenantId: string,
  config: EndpointConfig,
): Promise<void> {
  const rails = config.guardrails;
  if (!rails) return;
  const store = new EndpointStore(db);
  for (const stage of STAGES) {
    const guard = rails[stage];
    if (!guard) continue;
    const param = `guardrails.${stage}.endpoint`;
    checkShape(guard, stage);
    if (guard.endpoint === name) {
      throw errors.guardIsItself(param);
    }
    const target = await store.get(guard.endpoint);
    if (!target || !tenantMayUse(target, tenantId)) {
      throw errors.guardNotVisible(param, guard.endpoint, tenantId);
    }
    if (target.guardrails?.input || target.guardrails?.output) {
      throw errors.guardIsGuarded(param, guard.endpoint);
    }
  }
  const guarded = await store.guardedBy(name);
  if (guarded.length > 0) {
    throw errors.guardedGuard(name, guarded[0]!);
  }
}

function checkShape(guard: Guard, stage: (typeof STAGES)[number]): void {
  if (stage === 'input' && guard.stream_check_tokens !== undefined) {
    throw errors.inputStreamCheck();
  }
  const categories = guard.categories ?? [];
  const duplicate = categories.find((c, i) => categories.indexOf(c) !== i);
  if (duplicate) {
    throw errors.duplicateCategory(stage, duplicate);
  }
}
