// The generated catalogue of each supported version
// (scripts/generate-builtin-resources.mjs writes <minor>.ts beside this file
// from that release's kube-apiserver discovery). The table is keyed by the
// KubeVersion type, so a version added to src/audit/kubeVersions.ts does not
// compile until its catalogue is generated and listed here.
import type { KubeVersion } from '../../audit/kubeVersions.js';
import type { BuiltinResource } from '../types.js';
import * as v1_33 from './1.33.js';
import * as v1_34 from './1.34.js';
import * as v1_35 from './1.35.js';
import * as v1_36 from './1.36.js';
import * as v1_37 from './1.37.js';

export interface GeneratedCatalogue {
  /** The release whose discovery it is, e.g. "v1.36.4". */
  CATALOGUE_KUBE_VERSION: string;
  BUILTIN_RESOURCE_DATA: readonly BuiltinResource[];
}

export const GENERATED_CATALOGUES: Record<KubeVersion, GeneratedCatalogue> = {
  '1.33': v1_33,
  '1.34': v1_34,
  '1.35': v1_35,
  '1.36': v1_36,
  '1.37': v1_37,
};
