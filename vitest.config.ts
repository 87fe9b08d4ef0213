import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// Specs import 'auditspec' exactly as users do; inside this repo that name
// resolves to the sources so no build is needed to run them.
const alias = {
  'auditspec/extend-expect': fileURLToPath(new URL('./src/vitest/extend-expect.ts', import.meta.url)),
  'auditspec/vitest': fileURLToPath(new URL('./src/vitest/index.ts', import.meta.url)),
  auditspec: fileURLToPath(new URL('./src/index.ts', import.meta.url)),
};

export default defineConfig({
  resolve: { alias },
  test: {
    projects: [
      {
        resolve: { alias },
        test: {
          name: 'unit',
          include: ['test/**/*.test.ts'],
          // Type tests (*.test-d.ts) are checked by tsc, never run.
          typecheck: { enabled: true, include: ['test/**/*.test-d.ts'], tsconfig: './tsconfig.json' },
        },
      },
      {
        resolve: { alias },
        test: {
          name: 'specs',
          include: ['specs/**/*.audit.spec.ts'],
          setupFiles: ['./src/vitest/extend-expect.ts'],
        },
      },
    ],
  },
});
