import type { RouterVariables } from '../http/router-env';
import type { KeyRecord } from './key-record';

/** The inference route groups' variables: the caller's endpoint key (set by `authenticate`). */
export type InferenceEnv = { Bindings: Env; Variables: InferenceVariables };

export interface InferenceVariables extends RouterVariables {
  apiKey: KeyRecord;
  /** The endpoint the request resolved to, and the body's `model`: what a refusal is counted against. */
  endpointName?: string;
  bodyModel?: string;
}
