import type { Endpoint } from './schema';

/** Where clients call an endpoint: the OpenAI base URL (`model` is the endpoint name either way) and TGI's root. */
export function endpointUrls(baseUrl: string, name: string): { openai: string; tgi: string } {
  const root = `${baseUrl}/endpoints/${encodeURIComponent(name)}`;
  return { openai: `${root}/v1`, tgi: root };
}

/**
 * An endpoint as a tenant it is shared with sees it: what its keys need to call it
 * (the name, the URLs, the defaults the router fills in, the rate limits and
 * timeouts it applies) and whether it serves — never its origins, models, traffic,
 * tags, owner, other shares or config history.
 */
export function sharedEndpointView(e: Endpoint, baseUrl: string) {
  return {
    access: 'shared' as const,
    name: e.name,
    description: e.description,
    state: e.state,
    urls: endpointUrls(baseUrl, e.name),
    defaults: e.defaults,
    rate_limits: e.rate_limits,
    timeouts: e.timeouts,
    created_at: e.created_at,
    updated_at: e.updated_at,
  };
}
