// Side-effect entry: `import 'auditspec/extend-expect'` (or list it in
// Vitest's setupFiles) registers the matchers and, when specs run end to end,
// the hook that proves each test's decisions against the real kube-apiserver.
import { afterEach, expect } from 'vitest';
import { setBuilderKubeVersion } from '../request/builder.js';
import { trackCurrentTest } from './currentTest.js';
import { projectKubeVersion } from './kubeVersion.js';
import { flushEndToEndChecks } from './endToEnd.js';
import { auditMatchers } from './matchers/index.js';

// Requests name built-in resources as the project's kube-apiserver version serves them.
setBuilderKubeVersion(projectKubeVersion());
expect.extend(auditMatchers);
afterEach(flushEndToEndChecks);
// Failing expectations are noted on the running test for the GitHub Actions reporter.
trackCurrentTest();
