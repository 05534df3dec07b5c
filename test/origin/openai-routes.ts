// The vLLM OpenAI-compatible server's routes.

import { empty, json, methodNotAllowed, notFound, nowSeconds, type Plan, type RouteContext } from './plan.ts';
import { MAX_MODEL_LEN } from './validate-openai.ts';
import { chatCompletions } from './vllm-chat.ts';
import { servedModels } from './vllm-common.ts';
import { completions } from './vllm-completions.ts';
import { embeddings } from './vllm-embeddings.ts';
import { responses } from './vllm-responses.ts';

function modelCard(id: string, created: number): Record<string, unknown> {
  return {
    id,
    object: 'model',
    created,
    owned_by: 'vllm',
    root: id,
    parent: null,
    max_model_len: MAX_MODEL_LEN,
    permission: [
      {
        id: `modelperm-${id.replace(/[^A-Za-z0-9]/g, '').slice(0, 24)}`,
        object: 'model_permission',
        created,
        allow_create_engine: false,
        allow_sampling: true,
        allow_logprobs: true,
        allow_search_indices: false,
        allow_view: true,
        allow_fine_tuning: false,
        organization: '*',
        group: null,
        is_blocking: false,
      },
    ],
  };
}

function listModels(ctx: RouteContext): Plan {
  const created = nowSeconds();
  const ids = [...servedModels(ctx), ...ctx.embeddingModels];
  return json(200, { object: 'list', data: ids.map((id) => modelCard(id, created)) });
}

const ROUTES: Record<string, Record<string, (ctx: RouteContext) => Plan>> = {
  '/health': { GET: () => empty(200) },
  '/v1/models': { GET: listModels },
  '/v1/chat/completions': { POST: chatCompletions },
  '/v1/completions': { POST: completions },
  '/v1/embeddings': { POST: embeddings },
  '/v1/responses': { POST: responses },
};

export const OPENAI_PATHS = Object.keys(ROUTES);

export function openaiRoute(ctx: RouteContext): Plan {
  const route = ROUTES[ctx.path];
  if (!route) return notFound();
  const handler = route[ctx.method];
  return handler ? handler(ctx) : methodNotAllowed();
}
