import { ApiError } from '../api-error';

type Stage = 'input' | 'output';

/** A guardrails config that names `param` and says what is wrong with it (400 `invalid_guardrails`). */
const invalid = (param: string, why: string) =>
  new ApiError(400, `${param}: ${why}`, { param, code: 'invalid_guardrails' });

/** Guardrails: configs that cannot work (400), a guard's verdict (400) and a guard out of reach (503). */
export const guardrailErrors = {
  guardIsItself: (param: string) =>
    invalid(param, 'an endpoint cannot be its own guard; name an endpoint that serves a Llama Guard model'),
  guardNotVisible: (param: string, guard: string, tenantId: string) =>
    invalid(
      param,
      `no endpoint named '${guard}' is visible to tenant '${tenantId}'; create the guard endpoint first (or share it with this tenant)`,
    ),
  guardIsGuarded: (param: string, guard: string) =>
    invalid(param, `endpoint '${guard}' has guardrails of its own; a guard endpoint must not be guarded`),
  /**
   * The same refusal for a guard another tenant shared with this one: its guardrails are that tenant's config,
   * so the message does not say why.
   */
  sharedGuardUnusable: (param: string, guard: string) =>
    invalid(
      param,
      `endpoint '${guard}' cannot serve as a guard; name another endpoint that serves a Llama Guard model`,
    ),
  /** Guardrails added to an endpoint that is itself the guard of `guarded`. */
  guardedGuard: (name: string, guarded: string) =>
    invalid(
      'guardrails',
      `endpoint '${name}' is the guard of '${guarded}'; a guard endpoint must not be guarded itself`,
    ),
  /** Guardrails added to an endpoint that is the guard of another tenant's endpoint (shared with it): never named. */
  guardedGuardElsewhere: (name: string) =>
    invalid(
      'guardrails',
      `endpoint '${name}' is the guard of an endpoint in another tenant (one it was shared with); a guard endpoint must not be guarded itself`,
    ),
  inputStreamCheck: () =>
    invalid('guardrails.input.stream_check_tokens', 'only output guards check streams; remove it from the input guard'),
  duplicateCategory: (stage: Stage, category: string) =>
    invalid(`guardrails.${stage}.categories`, `'${category}' appears twice`),
  /** The guard blocked the request (input) or the answer (output); `categories` describes what it fell under. */
  contentPolicy: (stage: Stage, categories: string) =>
    new ApiError(
      400,
      `${stage === 'input' ? "The request was refused by the endpoint's input guardrail" : "The answer was withheld by the endpoint's output guardrail"}: it falls under ${categories}`,
      { code: 'content_policy_violation' },
    ),
  /** A fail-closed guard that could not give a verdict; `reason` never quotes the text checked. */
  guardUnavailable: (stage: Stage, reason: string | null) =>
    new ApiError(
      503,
      `The endpoint's ${stage} guardrail could not check the ${stage === 'input' ? 'request' : 'answer'} (${reason}), and it refuses what it cannot check (on_error: fail_closed)`,
      { type: 'server_error', code: 'guardrail_unavailable', headers: { 'retry-after': '5' } },
    ),
};
