// With TEST_REPORT_DIR set (CI), each vitest run also writes a JSON report that .ci/summary.ts sums up.
import { join } from 'node:path';

export function reporters(name: string): (string | [string, { outputFile: string }])[] {
  const dir = process.env.TEST_REPORT_DIR;
  return dir ? ['default', ['json', { outputFile: join(dir, `${name}.json`) }]] : ['default'];
}
