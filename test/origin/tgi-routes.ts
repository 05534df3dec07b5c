// The TGI server's routes: native generate API, compat route, /info, /health and its Messages API.

import { empty, json, methodNotAllowed, notFound, type Plan, type RouteContext } from './plan.ts';
import { TGI_VERSION } from './tgi-common.ts';
import { generateRoute } from './tgi-generate.ts';
import { tgiChat, tgiCompletions } from './tgi-messages.ts';
import { TGI_LIMITS } from './validate-tgi.ts';
import { TGI_MODEL_NAME } from './vllm-common.ts';

/** The model TGI says it serves: the first configured model that is not the alias "tgi". */
export function tgiModelId(ctx: RouteContext): string {
  return ctx.models.find((m) => m !== TGI_MODEL_NAME) ?? 'meta-llama/Llama-3.1-8B-Instruct';
}

function info(ctx: RouteContext): Plan {
  return json(200, {
    model_id: tgiModelId(ctx),
    model_sha: null,
    model_pipeline_tag: 'text-generation',
    max_concurrent_requests: TGI_LIMITS.maxConcurrentRequests,
    max_best_of: TGI_LIMITS.maxBestOf,
    max_stop_sequences: TGI_LIMITS.maxStopSequences,
    max_input_tokens: TGI_LIMITS.maxInputTokens,
    max_total_tokens: TGI_LIMITS.maxTotalTokens,
    validation_workers: 2,
    max_client_batch_size: TGI_LIMITS.maxClientBatchSize,
    router: 'text-generation-router',
    version: TGI_VERSION,
    sha: null,
    docker_label: null,
  });
}

function models(ctx: RouteContext): Plan {
  const id = tgiModelId(ctx);
  return json(200, { object: 'list', data: [{ id, object: 'model', created: 0, owned_by: id }] });
}

const ROUTES: Record<string, Record<string, (ctx: RouteContext) => Plan>> = {
  '/': { POST: (ctx) => generateRoute(ctx, 'compat') },
  '/generate': { POST: (ctx) => generateRoute(ctx, 'generate') },
  '/generate_stream': { POST: (ctx) => generateRoute(ctx, 'generate_stream') },
  '/info': { GET: info },
  '/health': { GET: () => empty(200) },
  '/v1/models': { GET: models },
  '/v1/chat/completions': { POST: tgiChat },
  '/v1/completions': { POST: tgiCompletions },
};

/** Paths only TGI serves: requests to them are TGI-flavoured without a /tgi prefix. */
export const TGI_ONLY_PATHS = ['/', '/generate', '/generate_stream', '/info'];

export function tgiRoute(ctx: RouteContext): Plan {
  const route = ROUTES[ctx.path];
  if (!route) return notFound();
  const handler = route[ctx.method];
  return handler ? handler(ctx) : methodNotAllowed();
}
