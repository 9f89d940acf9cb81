import { relative } from 'node:path';
import { defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * The slowest test files, slowest first (measured in docs/performance.md's "Test suite" section). A file that takes
 * a minute or more belongs here: started last, it would run on alone while the other worker sits idle (a fresh clone,
 * as in CI, has no timings of its own for vitest to order by).
 */
const slowestFiles = [
  'e2e/everyPage.test.ts',
  'src/web/accessMatrix.test.ts',
  'e2e/xss.test.ts',
  'src/backups/backupWhileWriting.test.ts',
  'src/updates/statusRace.test.ts',
  'src/web/controlCharacters.test.ts',
  'e2e/updateRound.test.ts',
];

/**
 * Starts the slowest files first, so the two workers finish together: the listed ones, then the other browser tests
 * (e2e/), then the rest in vitest's own order (longest first by the last run where it has one, a fresh clone's CI
 * has not, so there largest first).
 */
class SlowestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const rank = (file: TestSpecification) => {
      const path = relative(file.project.config.root, file.moduleId).replaceAll('\\', '/');
      const listed = slowestFiles.indexOf(path);
      if (listed !== -1) return listed;
      return slowestFiles.length + (path.startsWith('e2e/') ? 0 : 1);
    };
    // Array.prototype.sort is stable: within a rank, vitest's order stands.
    return (await super.sort(files)).sort((a, b) => rank(a) - rank(b));
  }
}

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'e2e/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Each test file opens its own databases; two workers suit these two-core machines.
    maxWorkers: 2,
    // One migrated PostgreSQL database per run, which the tests' databases are copied from.
    globalSetup: ['src/testing/postgresTemplate.ts'],
    sequence: { sequencer: SlowestFirst },
  },
});
