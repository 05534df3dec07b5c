/** The protocols clients call the router with: one route group each (README, "Inference API"). */
export type ClientProtocol = 'chat' | 'completions' | 'embeddings' | 'responses' | 'messages' | 'generate' | 'embed';

/**
 * What a served entity's origin speaks:
 * - `openai`: OpenAI's inference API (vLLM, SGLang, llama.cpp server, and OpenAI itself);
 * - `openai-responses`: such an origin that also serves `/v1/responses` (`responses_api: true`);
 * - `tgi`: Text Generation Inference (its generate API and its Messages API);
 * - `anthropic`: Anthropic's Messages API;
 * - `chat`: any of them, reached through the router's internal chat path (the pair
 *   translates its client protocol to a chat request and back; see chat/chat-exchange.ts).
 */
export type OriginProtocol = 'openai' | 'openai-responses' | 'tgi' | 'anthropic' | 'chat';
