import { z } from 'zod';
import { ResourceName } from '../../endpoints/schema';

export const KeyCreate = z.strictObject({
  description: z.string().max(1024).optional(),
  /** Endpoint names the key may call; absent or null = every endpoint. */
  endpoints: z.array(ResourceName).max(256).nullable().optional(),
  concurrency_limit: z.number().int().min(1).max(10_000).optional(),
});

export const KeyPatch = z.strictObject({ description: z.string().max(1024) });
