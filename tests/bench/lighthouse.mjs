/**
 * Lighthouse and chrome-launcher for tests/e2e/lighthouse.e2e.ts, from tests/bench's own install
 * (`npm run bench:deps`; `npm run test:e2e` runs it first). A bare import in this file resolves
 * from tests/bench/node_modules, which the root install does not have.
 */
export { default as lighthouse } from 'lighthouse';
export { launch } from 'chrome-launcher';
