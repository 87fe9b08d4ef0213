// Vitest setupFiles entry for end-to-end runs: installs, in each worker, an
// observer that sends batches to the run's coordinator.
import { inject } from 'vitest';
import { installObserver } from '../../vitest/observer.js';
import { BatchingObserver } from '../batching.js';
import { announceThroughCoordinator, observeThroughCoordinator, tallyThroughCoordinator } from '../coordinator.js';
import { E2E_COORDINATOR_KEY } from './context.js';

const address = inject(E2E_COORDINATOR_KEY);
if (!address) throw new Error('auditspec end-to-end setup: no coordinator was provided (is globalSetup configured?)');
installObserver(
  new BatchingObserver(
    address.backend,
    (policyFile, requests) => observeThroughCoordinator(address, policyFile, requests),
    {
      announce: (policyFile) => announceThroughCoordinator(address, policyFile),
      tally: (counts) => tallyThroughCoordinator(address, counts),
    },
  ),
);
