import type { EndpointConfig, Guard } from '../endpoints/schema';
import { EndpointStore } from '../endpoints/store';
import { errors } from '../http/errors';

const STAGES = ['input', 'output'] as const;

/**
 * Checks an endpoint's guardrails against the other endpoints (what the schema
 * cannot): each guard endpoint exists and is visible to the endpoint's tenant (its
 * own or shared with it), is not this endpoint, and has no guardrails itself (a shared
 * one is refused without saying so: its config is another tenant's); and an
 * endpoint that already guards others gets no guardrails (a guard is never guarded),
 * whichever tenant those others are in. `tenantId` is the endpoint's tenant.
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
    // Read only if the tenant may use it (its own, or shared with it): the scope is in SQL.
    const [target] = await store.usableByTenant(tenantId, [guard.endpoint]);
    if (!target) {
      throw errors.guardNotVisible(param, guard.endpoint, tenantId);
    }
    if (target.guardrails?.input || target.guardrails?.output) {
      // Another tenant's endpoint shared with this one: its guardrails are not this tenant's to learn of.
      throw target.tenant_id === tenantId
        ? errors.guardIsGuarded(param, guard.endpoint)
        : errors.sharedGuardUnusable(param, guard.endpoint);
    }
  }
  // Its own tenant's guarded endpoint is named; another tenant's (the guard is shared with it) is not.
  const use = await store.guardUse(name, tenantId);
  if (use.inTenant !== null) {
    throw errors.guardedGuard(name, use.inTenant);
  }
  if (use.elsewhere) {
    throw errors.guardedGuardElsewhere(name);
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
