// auditspec's public API. Each export lives in the module named after its concept.
export * from './audit/types.js';
export * from './request/types.js';
