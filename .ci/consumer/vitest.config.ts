import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['specs/**/*.audit.spec.ts'],
    setupFiles: ['auditspec/extend-expect'],
  },
});
