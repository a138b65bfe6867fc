import { defineConfig } from 'vitest/config';

// Two projects: `unit` is pure and fast; `integration` talks to the real Postgres and Redis
// (scripts/test.ts creates a fresh database per run and exports DATABASE_URL / REDIS_URL).
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['core/**/*.test.ts', 'gpu-runner/**/*.test.ts', 'server/**/*.test.ts', 'components/**/*.test.ts', 'scripts/**/*.test.ts'],
          exclude: ['**/*.int.test.ts', 'node_modules/**'],
          environment: 'node',
        },
      },
      {
        test: {
          name: 'integration',
          include: ['**/*.int.test.ts'],
          exclude: ['node_modules/**'],
          environment: 'node',
          testTimeout: 120_000,
          hookTimeout: 120_000,
          fileParallelism: false,
          // Requests without credentials act as the harness's admin (VIDEOCAP_API_TOKEN); see the file.
          setupFiles: ['server/testing/integration-setup.ts'],
        },
      },
    ],
  },
});
