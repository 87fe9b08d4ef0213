// The flags of the containers backend: the local control plane's own definition
// (clusters/local/control-plane.yaml, so both run kube-apiserver the same way
// and only flags that leave audit behaviour as upstream's defaults are tuned),
// with the addresses a container network needs instead of loopback.
import { fillFlags, loadDefinition, withFlag } from '../common/definition.js';

/** The run directory as the containers see it (bind-mounted from the host's). */
export const CONTAINER_RUN_DIR = '/auditspec';
export const ETCD_ALIAS = 'etcd';
export const ETCD_CLIENT_PORT = 2379;
export const ETCD_PEER_PORT = 2380;
export const APISERVER_PORT = 6443;

export function etcdFlags(): string[] {
  let flags = fillFlags(loadDefinition().etcd, {
    // etcd keeps its data inside its own container: nothing to clean up on the host.
    runDir: '/var/lib/auditspec',
    etcdClientPort: ETCD_CLIENT_PORT,
    etcdPeerPort: ETCD_PEER_PORT,
  });
  flags = withFlag(flags, 'listen-client-urls', `http://0.0.0.0:${ETCD_CLIENT_PORT}`);
  flags = withFlag(flags, 'advertise-client-urls', `http://${ETCD_ALIAS}:${ETCD_CLIENT_PORT}`);
  return flags;
}

export function apiserverFlags(values: { policyFile: string; auditLogFile: string }): string[] {
  let flags = fillFlags(loadDefinition()['kube-apiserver'], {
    runDir: CONTAINER_RUN_DIR,
    etcdClientPort: ETCD_CLIENT_PORT,
    apiserverPort: APISERVER_PORT,
    policyFile: values.policyFile,
    auditLogFile: values.auditLogFile,
  });
  flags = withFlag(flags, 'etcd-servers', `http://${ETCD_ALIAS}:${ETCD_CLIENT_PORT}`);
  // Reached through a published port, so it must listen beyond the container's loopback.
  flags = withFlag(flags, 'bind-address', '0.0.0.0');
  return flags;
}
