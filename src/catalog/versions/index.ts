// The generated catalogue of each supported version that has one
// (scripts/generate-builtin-resources.mjs writes <minor>.ts beside this file
// from that release's kube-apiserver discovery; add its line here).
import type { KubeVersion } from '../../audit/kubeVersions.js';
import type { BuiltinResource } from '../types.js';
import * as v1_33 from './1.33.js';
import * as v1_36 from './1.36.js';

export interface GeneratedCatalogue {
  /** The release whose discovery it is, e.g. "v1.36.4". */
  CATALOGUE_KUBE_VERSION: string;
  BUILTIN_RESOURCE_DATA: readonly BuiltinResource[];
}

export const GENERATED_CATALOGUES: Partial<Record<KubeVersion, GeneratedCatalogue>> = {
  '1.33': v1_33,
  '1.36': v1_36,
};
