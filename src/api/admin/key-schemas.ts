import { z } from 'zod';
import { ResourceName } from '../../endpoints/schema.ts';
import { ROLES } from '../../auth/principal.ts';

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
  })
  .refine((k) => (k.kind === 'platform') === (k.role !== undefined), {
    message: 'a platform key needs a role, and only platform keys have one',
    path: ['role'],
  });

export const KeyPatch = z.strictObject({ description: z.string().max(1024) });
