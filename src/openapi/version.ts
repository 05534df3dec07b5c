/** `info.version` of the API description (`GET /openapi.json`); keep it in step with package.json. */
export const API_VERSION = '0.1.0';
