import type { ExternalTask } from '../endpoints/schema';
import type { InferenceKind } from '../endpoints/inference-kind';

/** The inference route each external-model task answers. */
export const kindOfTask: Record<ExternalTask, InferenceKind> = {
  'llm/v1/chat': 'chat',
  'llm/v1/completions': 'completions',
  'llm/v1/embeddings': 'embeddings',
};

export const routeOfTask: Record<ExternalTask, string> = {
  'llm/v1/chat': 'POST /v1/chat/completions',
  'llm/v1/completions': 'POST /v1/completions',
  'llm/v1/embeddings': 'POST /v1/embeddings',
};
