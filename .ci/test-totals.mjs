// Totals every workspace's vitest JSON report into the one line CI reads:
// "N passed, N failed" (", N skipped" when any). A workspace with a test script but no
// report counts as a failure, so a package whose tests never ran cannot pass silently.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

let passed = 0;
let failed = 0;
let skipped = 0;
const problems = [];

for (const parent of ['packages', 'apps', 'tools']) {
  if (!existsSync(parent)) continue;
  for (const folder of readdirSync(parent).sort()) {
    const manifest = join(parent, folder, 'package.json');
    if (!existsSync(manifest)) continue;
    const { name, scripts = {} } = JSON.parse(readFileSync(manifest, 'utf8'));
    if (!scripts.test) continue;
    const report = join(parent, folder, 'test-results', 'vitest.json');
    if (!existsSync(report)) {
      problems.push(`${name}: no test report (${report}); its tests did not run`);
      failed += 1;
      continue;
    }
    const r = JSON.parse(readFileSync(report, 'utf8'));
    passed += r.numPassedTests;
    failed += r.numFailedTests;
    skipped += r.numPendingTests + r.numTodoTests;
    // A suite that failed to load (syntax error, missing import) has no tests but is a failure.
    const brokenSuites = (r.testResults ?? []).filter((s) => s.status === 'failed' && s.assertionResults.length === 0).length;
    failed += brokenSuites;
    if (r.numTotalTests === 0) problems.push(`${name}: the report counts no tests`);
    console.log(`  ${name.padEnd(26)} ${r.numPassedTests} pass, ${r.numFailedTests + brokenSuites} fail`);
  }
}
for (const p of problems) console.log(`ci: ${p}`);
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 || problems.length > 0 ? 1 : 0);
