import { z } from 'zod';
import { MODEL_REQUEST_STATUSES } from '../../model-requests/schemas';
import type { ModelRequest } from '../../model-requests/store';
import type { Assert, SameShape } from '../same-shape';

export const ModelRequestObject = z.object({
  id: z.string().meta({ description: '`mr_…`' }),
  tenant: z.string(),
  requested_by: z.string().meta({ description: '`admin` or the platform key id that asked' }),
  model: z.string(),
  use_case: z.string(),
  requirements: z.string(),
  evaluation_criteria: z.string(),
  current_limitations: z.string(),
  expected_rpm_average: z.number().int().nullable(),
  expected_rpm_peak: z.number().int().nullable(),
  status: z.enum(MODEL_REQUEST_STATUSES),
  note: z.string().meta({ description: 'The deciding admin’s note' }),
  decided_by: z.string().nullable(),
  created_at: z.iso.datetime(),
  updated_at: z.iso.datetime(),
});

export const ModelRequestList = z.object({
  object: z.literal('list'),
  data: z.array(ModelRequestObject),
  next_cursor: z
    .string()
    .nullable()
    .meta({ description: 'Pass as `cursor` for the next (older) page; null at the end' }),
});

type _ModelRequestMatches = Assert<SameShape<z.infer<typeof ModelRequestObject>, ModelRequest>>;
