import type { Defaults } from '../../endpoints/schema';
import type { GenerateParameters, GenerateRequest } from './types';

/**
 * The endpoint's defaults, in TGI terms, where the request leaves a parameter out.
 * A request with no `parameters` samples in TGI; when defaults create the object,
 * `do_sample: true` keeps that meaning. Defaults TGI would refuse (temperature 0,
 * top_p 1) mean "greedy" and "off" there, so they are not copied.
 */
export function applyGenerateDefaults(req: GenerateRequest, defaults: Defaults): GenerateRequest {
  const fills: GenerateParameters = {};
  const p = req.parameters ?? {};
  if (p.temperature == null && defaults.temperature !== undefined) {
    if (defaults.temperature > 0) fills.temperature = defaults.temperature;
    else if (p.do_sample == null) fills.do_sample = false;
  }
  if (p.max_new_tokens == null && defaults.max_tokens !== undefined) fills.max_new_tokens = defaults.max_tokens;
  if (p.top_p == null && defaults.top_p !== undefined && defaults.top_p < 1) fills.top_p = defaults.top_p;
  if (p.top_k == null && defaults.top_k !== undefined && defaults.top_k > 0) fills.top_k = defaults.top_k;
  if (p.stop == null && defaults.stop !== undefined)
    fills.stop = Array.isArray(defaults.stop) ? defaults.stop : [defaults.stop];
  if (p.frequency_penalty == null && defaults.frequency_penalty !== undefined)
    fills.frequency_penalty = defaults.frequency_penalty;
  if (Object.keys(fills).length === 0) return req;
  const base = req.parameters ?? { do_sample: true };
  return { ...req, parameters: { ...base, ...fills } };
}
