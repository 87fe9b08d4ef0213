// The same spec through auditspec/config's helper instead of naming the setup file.
import { defineConfig } from 'vitest/config';
import { auditspecTestConfig } from 'auditspec/config';

export default defineConfig({
  test: {
    include: ['specs/**/*.audit.spec.ts'],
    ...auditspecTestConfig(),
  },
});
