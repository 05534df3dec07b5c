import { z } from 'zod';
import { ResourceName } from '../endpoints/schema';
import { queryInteger } from '../http/query-integer';

const text = (max: number) => z.string().max(max);
const rpm = z.number().int().min(0).max(10_000_000);

/** `POST /admin/v1/model-requests`. */
export const ModelRequestCreate = z
  .strictObject({
    /** A model name or Hugging Face id, e.g. `meta-llama/Llama-3.1-70B-Instruct`. */
    model: z.string().trim().min(1, 'must not be empty').max(256),
    use_case: z.string().trim().min(1, 'describe what the model is for').max(4000),
    requirements: text(4000).optional(),
    evaluation_criteria: text(4000).optional(),
    current_limitations: text(4000).optional(),
    /** Expected requests per minute, on average and at peak. */
    expected_rpm_average: rpm.optional(),
    expected_rpm_peak: rpm.optional(),
    /** Only an org admin may name a tenant (others ask for their own). */
    tenant: ResourceName.optional(),
  })
  .refine(
    (r) =>
      r.expected_rpm_average === undefined ||
      r.expected_rpm_peak === undefined ||
      r.expected_rpm_peak >= r.expected_rpm_average,
    {
      message: 'the peak must be at least the average',
      path: ['expected_rpm_peak'],
    },
  );

export const MODEL_REQUEST_STATUSES = ['open', 'approved', 'declined', 'deployed'] as const;
export type ModelRequestStatus = (typeof MODEL_REQUEST_STATUSES)[number];

/** `PATCH /admin/v1/model-requests/{id}`: triage (org and tenant admins). */
export const ModelRequestUpdate = z.strictObject({
  status: z.enum(['approved', 'declined', 'deployed']),
  note: text(4000).optional(),
});

/** `GET /admin/v1/model-requests` query. */
export const ModelRequestQuery = z.strictObject({
  limit: queryInteger(1, 200).optional(),
  /** `next_cursor` of the previous page. */
  cursor: z.string().min(1).max(200).optional(),
  status: z.enum(MODEL_REQUEST_STATUSES).optional(),
});

export type ModelRequestCreate = z.infer<typeof ModelRequestCreate>;
export type ModelRequestUpdate = z.infer<typeof ModelRequestUpdate>;
