import { z } from 'zod';
import { RenewalPeriod, ResourceName } from '../../endpoints/schema.ts';
import { ROLES } from '../../auth/principal.ts';

/** A key's own budget of tokens (prompt + completion) per period, across every endpoint it calls. */
export const TokenBudget = z.strictObject({
  tokens: z.number().int().min(1).max(1_000_000_000_000),
  renewal_period: RenewalPeriod,
});

export const KeyCreate = z
  .strictObject({
    description: z.string().max(1024).optional(),
    /** 'endpoint' (default): inference only. 'platform': admin API with `role`. */
    kind: z.enum(['endpoint', 'platform']).optional(),
    role: z.enum(ROLES).optional(),
    /** Owning tenant; only an org admin may name another tenant than its own. */
    tenant: ResourceName.optional(),
    /** Endpoint names the key may call; absent or null = every endpoint its tenant may use. */
    endpoints: z.array(ResourceName).max(256).nullable().optional(),
    concurrency_limit: z.number().int().min(1).max(10_000).optional(),
    /** When the key stops working (ISO 8601, in the future). */
    expires_at: z.iso.datetime({ offset: true }).optional(),
    /** Tokens the key may use per period across all endpoints (endpoint keys only). */
    token_budget: TokenBudget.optional(),
  })
  .refine((k) => (k.kind === 'platform') === (k.role !== undefined), {
    message: 'a platform key needs a role, and only platform keys have one',
    path: ['role'],
  });

/** `token_budget: null` removes the budget. */
export const KeyPatch = z
  .strictObject({ description: z.string().max(1024).optional(), token_budget: TokenBudget.nullable().optional() })
  .refine((p) => p.description !== undefined || p.token_budget !== undefined, {
    message: "nothing to change: send 'description' or 'token_budget'",
  });
