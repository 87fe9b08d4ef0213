// The kube-apiserver minor versions whose policy behaviour auditspec
// reproduces, each pinned to one patch release. This is the one table of
// supported versions: --kube-version on every command, the per-suite and
// per-describePolicy option, the conformance oracle's build (one per
// k8s.io/apiserver version) and the built-in resource catalogue all read it,
// so adding a version is one row here plus whatever behaviour it brings
// (src/audit/versionBehaviour.ts, the catalogue, the oracle's go.mod).
//
// The etcd each release ships with is not here: end-to-end binaries are the
// business of src/binaries/versions.ts, keyed by the same minor.

type SemVer = `v${number}.${number}.${number}`;

/**
 * Oldest first, keyed by minor so that the keys are the KubeVersion type.
 * Every release here is served by the Go module proxy.
 */
const RELEASES = {
  '1.33': { kubernetes: 'v1.33.13', apiserverModule: 'v0.33.13' },
  '1.34': { kubernetes: 'v1.34.12', apiserverModule: 'v0.34.12' },
  '1.35': { kubernetes: 'v1.35.8', apiserverModule: 'v0.35.8' },
  '1.36': { kubernetes: 'v1.36.4', apiserverModule: 'v0.36.4' },
  '1.37': { kubernetes: 'v1.37.2', apiserverModule: 'v0.37.2' },
} as const satisfies Record<string, { kubernetes: SemVer; apiserverModule: SemVer }>;

/** A supported kube-apiserver minor version, "1.33" to "1.37". */
export type KubeVersion = keyof typeof RELEASES;

export interface KubeRelease {
  /** "1.37": the minor version users name. */
  minor: KubeVersion;
  /** The k8s.io/kubernetes release pinned for this minor (end to end, catalogue). */
  kubernetes: SemVer;
  /** The k8s.io/apiserver module version of that release (the oracle builds against it). */
  apiserverModule: SemVer;
}

export const KUBE_RELEASES: readonly KubeRelease[] = (Object.keys(RELEASES) as KubeVersion[]).map((minor) => ({ minor, ...RELEASES[minor] }));

export const SUPPORTED_KUBE_VERSIONS: readonly KubeVersion[] = KUBE_RELEASES.map((r) => r.minor);

/**
 * The version used when none is named. Stays on the newest minor whose
 * offline decisions are proven against its own oracle.
 */
export const DEFAULT_KUBE_VERSION: KubeVersion = '1.37';

export const OLDEST_KUBE_VERSION: KubeVersion = SUPPORTED_KUBE_VERSIONS[0]!;
export const NEWEST_KUBE_VERSION: KubeVersion = SUPPORTED_KUBE_VERSIONS[SUPPORTED_KUBE_VERSIONS.length - 1]!;

export function isSupportedKubeVersion(version: string): version is KubeVersion {
  return (SUPPORTED_KUBE_VERSIONS as readonly string[]).includes(version);
}

/** Thrown for a version outside the table; the message lists the supported ones. */
export class UnsupportedKubeVersionError extends Error {
  override name = 'UnsupportedKubeVersionError';
}

/**
 * Accepts "1.37", "v1.37" or "v1.37.2" (the minor is what decides behaviour;
 * the patch is ours to pin) and refuses anything else with the supported
 * list: an unknown version would silently be judged as another.
 */
export function parseKubeVersion(value: string, what = 'kube version'): KubeVersion {
  const supported = SUPPORTED_KUBE_VERSIONS.join(', ');
  const match = /^v?(\d+)\.(\d+)(?:\.\d+)?$/.exec(value.trim());
  if (!match) throw new UnsupportedKubeVersionError(`${what} must look like ${NEWEST_KUBE_VERSION} (got ${JSON.stringify(value)}); supported: ${supported}`);
  const version = `${Number(match[1])}.${Number(match[2])}`;
  if (!isSupportedKubeVersion(version)) {
    throw new UnsupportedKubeVersionError(`${what} ${value} is not supported; supported: ${supported}`);
  }
  return version;
}

/** The pinned release of a supported minor. */
export function kubeRelease(version: KubeVersion): KubeRelease {
  const release = KUBE_RELEASES.find((r) => r.minor === version);
  if (!release) throw new UnsupportedKubeVersionError(`kube version ${version} is not supported; supported: ${SUPPORTED_KUBE_VERSIONS.join(', ')}`);
  return release;
}

/** Orders two supported minors: negative when a is older. */
export function compareKubeVersions(a: KubeVersion, b: KubeVersion): number {
  return SUPPORTED_KUBE_VERSIONS.indexOf(a) - SUPPORTED_KUBE_VERSIONS.indexOf(b);
}
