// Which files of a module directory are modules, and in what order. The order
// is the file names' order (byte order, so it is the same on every machine
// and locale): `10-noise.yaml`, `20-secrets.yaml`, … There is deliberately no
// order file: the order kube-apiserver will see is what `ls` shows, and a
// module is added or moved by naming it, in one place.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** The extensions kube-apiserver's policy files are written in. */
export const MODULE_EXTENSIONS = ['.yaml', '.yml', '.json'] as const;

export function isModuleDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** Whether a directory entry is a module: a YAML or JSON file not hidden (editors' and git's dotfiles are not). */
export function isModuleName(name: string): boolean {
  return !name.startsWith('.') && MODULE_EXTENSIONS.some((ext) => name.endsWith(ext));
}

/** The module files' names in `dir`, in the order their rules are composed. Subdirectories are not modules. */
export function moduleNames(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => isModuleName(entry.name) && (entry.isFile() || (entry.isSymbolicLink() && statSync(join(dir, entry.name)).isFile())))
    .map((entry) => entry.name)
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}
