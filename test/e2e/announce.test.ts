// describePolicy's announcement reaches the run's session: the worker's
// observer passes each policy on once, through the coordinator, to
// AuditSession.announce (which prepares it ahead where the backend can).
import { describe, expect, it } from 'vitest';
import { BatchingObserver } from '../../src/e2e/batching.js';
import { announceThroughCoordinator, Coordinator } from '../../src/e2e/coordinator.js';
import type { AuditSession } from '../../src/e2e/session.js';

describe('announcing the policies a run will use', () => {
  it('goes from the observer through the coordinator to the session, once per policy', async () => {
    const announced: string[] = [];
    const session = { backendName: 'local', announce: (file: string) => announced.push(file) } as unknown as AuditSession;
    const coordinator = await Coordinator.start(session);
    try {
      const observer = new BatchingObserver('local', async () => [], { announce: (file) => announceThroughCoordinator(coordinator.address, file) });
      observer.announce('/specs/a.yaml');
      observer.announce('/specs/b.yaml');
      observer.announce('/specs/a.yaml');
      const deadline = Date.now() + 5000;
      while (announced.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      await new Promise((r) => setTimeout(r, 50));
      expect(announced).toEqual(['/specs/a.yaml', '/specs/b.yaml']);
      // A caller without the run's token is refused.
      await expect(announceThroughCoordinator({ ...coordinator.address, token: 'wrong' }, '/x.yaml')).rejects.toThrow(/HTTP 401/);
    } finally {
      await coordinator.close();
    }
  });
});
