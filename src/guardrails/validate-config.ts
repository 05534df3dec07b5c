import { tenantMayUse } from '../endpoints/access';
import type { EndpointConfig, Guard } from '../endpoints/schema';
import { EndpointStore } from '../endpoints/store';
import { ApiError } from '../http/api-error';

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
      throw new ApiError(
        400,
        `${param}: an endpoint cannot be its own guard; name an endpoint that serves a Llama Guard model`,
        { param, code: 'invalid_guardrails' },
      );
    }
    const target = await store.get(guard.endpoint);
    if (!target || !tenantMayUse(target, tenantId)) {
      throw new ApiError(
        400,
        `${param}: no endpoint named '${guard.endpoint}' is visible to tenant '${tenantId}'; create the guard endpoint first (or share it with this tenant)`,
        {
          param,
          code: 'invalid_guardrails',
        },
      );
    }
    if (target.guardrails?.input || target.guardrails?.output) {
      throw new ApiError(
        400,
        `${param}: endpoint '${guard.endpoint}' has guardrails of its own; a guard endpoint must not be guarded`,
        {
          param,
          code: 'invalid_guardrails',
        },
      );
    }
  }
  const guarded = await store.guardedBy(name);
  if (guarded.length > 0) {
    throw new ApiError(
      400,
      `guardrails: endpoint '${name}' is the guard of '${guarded[0]!}'; a guard endpoint must not be guarded itself`,
      {
        param: 'guardrails',
        code: 'invalid_guardrails',
      },
    );
  }
}

function checkShape(guard: Guard, stage: (typeof STAGES)[number]): void {
  if (stage === 'input' && guard.stream_check_tokens !== undefined) {
    throw new ApiError(
      400,
      'guardrails.input.stream_check_tokens: only output guards check streams; remove it from the input guard',
      {
        param: 'guardrails.input.stream_check_tokens',
        code: 'invalid_guardrails',
      },
    );
  }
  const categories = guard.categories ?? [];
  const duplicate = categories.find((c, i) => categories.indexOf(c) !== i);
  if (duplicate) {
    throw new ApiError(400, `guardrails.${stage}.categories: '${duplicate}' appears twice`, {
      param: `guardrails.${stage}.categories`,
      code: 'invalid_guardrails',
    });
  }
}
