// Every page of the console, in navigation order; the first one a session may see is the start page.
// To add a page, see ../page.ts.

import type { Page } from '../page';
import { dashboardPage } from './dashboard';
import { endpointsPage } from './endpoints';
import { keysPage } from './keys';
import { metricsPage } from './metrics';
import { modelRequestsPage } from './model-requests';
import { playgroundPage } from './playground';

export const PAGES: Page[] = [playgroundPage, endpointsPage, keysPage, modelRequestsPage, dashboardPage, metricsPage];
