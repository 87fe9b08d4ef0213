// The end-to-end rows of `npm run bench` on the real binaries, at the smallest
// size: one cold start, one switch, one timed batch. Only the shape of the
// figures is checked (never their size), and that every request kube-apiserver
// logged agrees with the offline decision.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { measureContainers, measureEndToEnd } from '../../bench/endToEnd.js';
import { ETCD_VERSION, KUBE_APISERVER_VERSION } from '../../src/binaries/versions.js';
import { dockerSkipReason } from '../clusters/dockerAvailable.js';
import { obtainBinaries } from '../e2e/support.js';

const policies = fileURLToPath(new URL('../../../shared/corpus/policies/', import.meta.url));
const { binaries, reason } = await obtainBinaries();

describe.skipIf(!binaries || !existsSync(policies))(
  `bench: end to end${reason ? ` — ${reason}` : existsSync(policies) ? '' : ` — no corpus at ${policies}`}`,
  () => {
    it('measures cold start, switch and a batch, and the batch agrees with evaluatePolicy', async () => {
      const result = await measureEndToEnd({
        policyFile: `${policies}gce-configure-helper-default.yaml`,
        otherPolicyFile: `${policies}k8s-website-audit-policy.yaml`,
        starts: 1,
        switches: 1,
        batches: 1,
        batchSize: 11,
      });
      if (result.skipped !== undefined) throw new Error(`unexpectedly skipped: ${result.skipped}`);
      for (const figure of [result.coldStartSeconds, result.policySwitchSeconds, result.unannouncedSwitchSeconds, result.msPerRequest]) {
        expect(figure.samples).toBe(1);
        expect(figure.median).toBeGreaterThan(0);
      }
      // The announced switch kept a second kube-apiserver running for a while: its memory is measured.
      expect(result.standbyMiB.median).toBeGreaterThan(10);
      // A warm-up batch and one timed batch of 11.
      expect(result.checked).toBe(22);
      expect(result.agreed).toBe(result.checked);
    });
  },
);

describe.skipIf(dockerSkipReason() !== undefined || !existsSync(policies))(
  `bench: containers${dockerSkipReason() ? ` — ${dockerSkipReason()}` : existsSync(policies) ? '' : ` — no corpus at ${policies}`}`,
  () => {
    it('measures the containers backend’s cold start and switch', async () => {
      const result = await measureContainers({
        policyFile: `${policies}gce-configure-helper-default.yaml`,
        otherPolicyFile: `${policies}k8s-website-audit-policy.yaml`,
        starts: 1,
        switches: 1,
      });
      if (result.skipped !== undefined) throw new Error(`unexpectedly skipped: ${result.skipped}`);
      for (const figure of [result.coldStartSeconds, result.policySwitchSeconds]) {
        expect(figure.samples).toBe(1);
        expect(figure.median).toBeGreaterThan(0);
      }
      // The default version's release images, whichever that is.
      expect(result.images).toContain(`kube-apiserver:${KUBE_APISERVER_VERSION}, `);
      expect(result.images).toContain(`etcd:${ETCD_VERSION}-0`);
    }, 600_000);
  },
);
