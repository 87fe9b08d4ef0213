// What testcontainers (dockerode underneath) throws, as reasons a user can act on.
import { ClusterError } from '../types.js';

export function containerRuntimeFailure(err: unknown, image?: string): ClusterError {
  const message = String((err as Error)?.message ?? err);
  if (/Could not find a working container runtime strategy/i.test(message)) {
    return new ClusterError(
      'no Docker engine answers (testcontainers found no container runtime). Start one — `sudo systemctl start docker`, or `sudo dockerd &` where there is no systemd — or point DOCKER_HOST at one; --cluster local needs no Docker',
    );
  }
  if (/permission denied.*docker\.sock|EACCES.*docker\.sock/i.test(message)) {
    return new ClusterError('this user may not talk to Docker (permission denied on the Docker socket; add the user to the "docker" group or use rootless Docker)');
  }
  if (image && /pull access denied|manifest unknown|manifest for .* not found|not found: manifest|no such image|repository does not exist|toomanyrequests|unauthorized|no such host|i\/o timeout|TLS handshake timeout/i.test(message)) {
    return new ClusterError(`could not pull the image ${image}: ${message.split('\n')[0]} (check the tag, the network, or pull it yourself with docker pull ${image})`);
  }
  return new ClusterError(image ? `starting a container from ${image} failed: ${message}` : message);
}
