// auditspec kind-config <policy>: prints the kind cluster configuration that
// `--cluster kind --reuse` would create for this policy, and prepares the host
// directories it mounts (the policy as kube-apiserver will run it, and the audit
// log directory), so `kind create cluster --config <(auditspec kind-config p.yaml)`
// gives the very cluster auditspec would have made and will reuse.
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { loadPolicy } from '../../audit/policy/load.js';
import { DEFAULT_CLUSTER_NAME, DEFAULT_NODE_IMAGE, isValidClusterName, renderKindConfig } from '../../clusters/kind/config.js';
import { defaultNodeImage } from '../../clusters/kind/nodeImage.js';
import { createWorkspaceDirs, kindWorkspace, reusableWorkspaceRoot, writeWorkspacePolicy } from '../../clusters/kind/workspace.js';
import { withSentinelRule } from '../../e2e/sentinel.js';
import { UsageError } from '../errors.js';
import { kubeVersionOption, loadPolicyArgument, parseKubeVersion } from '../options.js';
import type { RegisterCommand } from './index.js';

interface KindConfigOptions {
  name: string;
  image?: string;
  dir?: string;
  write: boolean;
  kubeVersion?: string;
}

export const registerKindConfig: RegisterCommand = (program: Command, setExitCode) => {
  program
    .command('kind-config')
    .description('print the kind cluster config auditspec uses for a policy (kind\'s auditing recipe), preparing the directories it mounts')
    .argument('<policy>', 'audit policy file (YAML or JSON), or a module directory')
    .option('--name <name>', 'kind cluster name', DEFAULT_CLUSTER_NAME)
    .option('--image <image>', `kind node image (default: ${DEFAULT_NODE_IMAGE} if Docker has it, else the one \`auditspec setup --cluster kind\` built, else the former)`)
    .option('--dir <dir>', 'host directory for the mounted policy and audit log (default: the reusable cluster\'s, under ~/.cache/auditspec/kind/<name>)')
    .option('--no-write', 'only print; do not create the directories or write the policy')
    .addOption(kubeVersionOption())
    .action(async (policyPath: string, options: KindConfigOptions) => {
      if (!isValidClusterName(options.name)) {
        throw new UsageError(`--name: "${options.name}" is not a valid kind cluster name (lowercase letters, digits and "-")`);
      }
      // kube-apiserver would refuse an invalid policy: say so before making a cluster for it.
      const kubeVersion = parseKubeVersion(options.kubeVersion);
      loadPolicyArgument(policyPath, kubeVersion);
      // What kube-apiserver is given: the file, or a module directory's composed policy as `auditspec build` writes it.
      const sentinel = withSentinelRule(loadPolicy({ file: policyPath }, { kubeVersion }).text);
      if (!sentinel.ok) {
        process.stderr.write(`auditspec: cannot add the sentinel rule to ${policyPath}: ${sentinel.problem}\n`);
        setExitCode(1);
        return;
      }
      const ws = kindWorkspace(resolve(options.dir ?? reusableWorkspaceRoot(options.name)));
      const config = renderKindConfig({
        clusterName: options.name,
        nodeImage: options.image ?? (await defaultNodeImage()),
        policyDir: ws.policyDir,
        auditLogDir: ws.auditLogDir,
      });
      if (options.write) {
        await createWorkspaceDirs(ws);
        await writeWorkspacePolicy(ws, sentinel.text);
      }
      process.stdout.write(config);
      setExitCode(0);
    });
};
