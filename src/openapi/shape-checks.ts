import type { z } from 'zod';
import type { publicKey, TokenBudget as KeyTokenBudget } from '../auth/key-record';
import type { TokenBudget } from '../api/admin/key-schemas';
import type { Endpoint, EndpointConfig } from '../endpoints/schema';
import type { sharedEndpointView } from '../endpoints/shared-view';
import type { ConfigVersion } from '../endpoints/store';
import type { UsageRow, WindowState } from '../gate/types';
import type { OriginHealth } from '../origins/health-store';
import type { Assert, SameShape } from './same-shape';
import type {
  EndpointConfigObject,
  EndpointObject,
  EndpointVersionList,
  OriginHealthEntry,
  SharedEndpointObject,
} from './shapes/endpoints';
import type { KeyObject, TokenWindow, UsageRowObject } from './shapes/keys';

/*
 * The endpoint and key shapes against the code that answers with them. Kept apart from
 * the shapes so that the shapes import nothing but zod and the schemas: the console and
 * the scripts take their types from them (src/api-types.ts).
 */
type ShownFields = 'tenant' | 'state' | 'state_reason' | 'access' | 'urls';
type _EndpointMatches = Assert<
  SameShape<Omit<z.infer<typeof EndpointObject>, ShownFields>, Omit<Endpoint, 'tenant_id' | 'state'>>
>;
type _SharedMatches = Assert<SameShape<z.infer<typeof SharedEndpointObject>, ReturnType<typeof sharedEndpointView>>>;
type _ConfigMatches = Assert<SameShape<z.infer<typeof EndpointConfigObject>, EndpointConfig>>;
type _VersionMatches = Assert<
  SameShape<Omit<z.infer<typeof EndpointVersionList>['data'][number], 'serving' | 'pending'>, ConfigVersion>
>;
type _HealthSourceMatches = Assert<
  SameShape<NonNullable<z.infer<typeof OriginHealthEntry>['source']>, OriginHealth['source']>
>;
type _KeyMatches = Assert<SameShape<z.infer<typeof KeyObject>, ReturnType<typeof publicKey>>>;
type _UsageMatches = Assert<SameShape<z.infer<typeof UsageRowObject>, UsageRow>>;
type _WindowMatches = Assert<SameShape<z.infer<typeof TokenWindow>, WindowState>>;
type _BudgetMatches = Assert<SameShape<z.infer<typeof TokenBudget>, KeyTokenBudget>>;
