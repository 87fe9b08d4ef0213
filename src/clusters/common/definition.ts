// Reads the local control plane's definition (clusters/local/control-plane.yaml
// in the package) and fills in one run's values.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

export interface ControlPlaneDefinition {
  etcd: string[];
  'kube-apiserver': string[];
  /** Set in kube-apiserver's environment (Go runtime settings), over the inherited one. */
  'kube-apiserver-environment': Record<string, string>;
}

export type DefinitionValues = Record<string, string | number>;

/** clusters/local/control-plane.yaml, found from src/clusters/local or dist/clusters/local. */
export function definitionFile(): string {
  return fileURLToPath(new URL('../../../clusters/local/control-plane.yaml', import.meta.url));
}

let cached: ControlPlaneDefinition | undefined;

export function loadDefinition(file = definitionFile()): ControlPlaneDefinition {
  if (file === definitionFile() && cached) return cached;
  const raw = parse(readFileSync(file, 'utf8')) as Partial<ControlPlaneDefinition> | null;
  const valid = (list: unknown): list is string[] => Array.isArray(list) && list.every((f) => typeof f === 'string');
  if (!raw || !valid(raw.etcd) || !valid(raw['kube-apiserver'])) {
    throw new Error(`${file}: expected lists of flags under "etcd" and "kube-apiserver"`);
  }
  const environment = raw['kube-apiserver-environment'] ?? {};
  if (typeof environment !== 'object' || Array.isArray(environment) || !Object.values(environment).every((v) => typeof v === 'string')) {
    throw new Error(`${file}: expected names and string values under "kube-apiserver-environment"`);
  }
  const definition = { etcd: raw.etcd, 'kube-apiserver': raw['kube-apiserver'], 'kube-apiserver-environment': environment };
  if (file === definitionFile()) cached = definition;
  return definition;
}

/** Replaces every ${name}; an unknown name is a bug in the definition, not something to pass on. */
export function fillFlags(flags: readonly string[], values: DefinitionValues): string[] {
  return flags.map((flag) =>
    flag.replace(/\$\{(\w+)\}/g, (_, name: string) => {
      const value = values[name];
      if (value === undefined) throw new Error(`control plane definition uses \${${name}}, which has no value`);
      return String(value);
    }),
  );
}

/** Sets (or adds) `--name=value` in a flag list. */
export function withFlag(flags: readonly string[], name: string, value: string): string[] {
  const prefix = `--${name}=`;
  const rest = flags.filter((f) => !f.startsWith(prefix));
  return [...rest, `${prefix}${value}`];
}
