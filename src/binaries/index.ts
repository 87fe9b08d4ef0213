export { ensureBinaries, BinariesUnavailableError, setupCommand } from './ensure.js';
export type { Binaries, BinarySource, EnsureBinariesOptions } from './ensure.js';
export { binariesCacheDir, binariesCacheRoot } from './cache.js';
export { checkBinary } from './check.js';
export type { BinaryCheck, BinaryKind } from './check.js';
export { goBinariesModuleDir, goBuildArgs, kubeApiserverLdflags, releaseModfile } from './build.js';
export { ETCD_VERSION, KUBE_APISERVER_VERSION, serverRelease, serverReleases, type ServerRelease } from './versions.js';
