import { z } from 'zod';
import type { Tenant } from '../../tenants/store';
import type { Assert, SameShape } from '../same-shape';
import { PageOf } from './page';

export const TenantObject = z.object({ id: z.string(), name: z.string(), created_at: z.iso.datetime() });

export const TenantList = PageOf(TenantObject);

type _TenantMatches = Assert<SameShape<z.infer<typeof TenantObject>, Tenant>>;
