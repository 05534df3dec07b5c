import { app } from './app';
import type { Env } from './env';

export { KeyGate } from './gate/key-gate';

export default {
  fetch: app.fetch,
} satisfies ExportedHandler<Env>;
