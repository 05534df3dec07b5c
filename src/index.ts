import { app } from './app';
import { probeOrigins } from './origins/probe';

export { KeyGate } from './gate/key-gate';
export { RateLimiter } from './gate/rate-limiter';
export { EndpointMetrics } from './metrics/endpoint-metrics';

export default {
  fetch: app.fetch,
  /** Cron Trigger: active health probes of every origin (see wrangler.toml `[triggers]`). */
  async scheduled(_controller, env, ctx) {
    ctx.waitUntil(
      probeOrigins(env.DB).then(
        (results) =>
          console.log(
            JSON.stringify({
              msg: 'origin probes',
              origins: results.length,
              unhealthy: results.filter((r) => !r.healthy).length,
            }),
          ),
        (err: unknown) => console.error(JSON.stringify({ msg: 'origin probes failed', error: String(err) })),
      ),
    );
  },
} satisfies ExportedHandler<Env>;
