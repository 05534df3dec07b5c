import { z } from 'zod';

/** Query of `GET /admin/v1/endpoints/{name}/metrics` (parsed further by parseMetricsQuery). */
export const MetricsQueryParams = z.strictObject({
  since: z
    .string()
    .optional()
    .meta({ description: 'Start: RFC 3339 or Unix seconds (default: one hour before `until`)' }),
  until: z.string().optional().meta({ description: 'End: RFC 3339 or Unix seconds (default: now)' }),
  step: z.string().optional().meta({
    description:
      'Bucket width: seconds or `60s`, `5m`, `1h`, `1d`; whole minutes (whole hours for windows older than 7 days). Default: the smallest giving at most 1,500 points',
  }),
});
