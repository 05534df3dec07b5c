/** The router's inference routes an endpoint can serve (and an external model's task maps to). */
export type InferenceKind = 'chat' | 'completions' | 'embeddings';
