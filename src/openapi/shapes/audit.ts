import { z } from 'zod';
import type { AuditRecord } from '../../audit/audit-log';
import type { Assert, SameShape } from '../same-shape';

export const AuditRecordObject = z.object({
  id: z.number().int(),
  at: z.iso.datetime(),
  actor: z.string().meta({ description: '`admin` or a platform key id' }),
  actor_role: z.string(),
  tenant_id: z.string().nullable(),
  action: z.string().meta({ description: 'e.g. `endpoint.create`, `key.revoke`' }),
  target_type: z.string(),
  target_id: z.string(),
  detail: z
    .record(z.string(), z.unknown())
    .meta({ description: 'What changed (fields, versions, states); never request content' }),
});

export const AuditList = z.object({
  object: z.literal('list'),
  data: z.array(AuditRecordObject),
  next_before: z
    .number()
    .int()
    .nullable()
    .meta({ description: 'Pass as `before` for the next (older) page; null at the end' }),
});

type _AuditMatches = Assert<SameShape<z.infer<typeof AuditRecordObject>, AuditRecord>>;
