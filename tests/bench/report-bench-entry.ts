// What tests/bench/report-bench.mjs measures, bundled by Vite for Node and for Chromium
// (Node 20 cannot run .ts). The export writers are in the Node bundle only.
export { buildReport } from '../../src/domain/report';
export { buildRegionPack } from '../../src/domain/region';
export { DEFAULT_TAXONOMY } from '../../src/domain/taxonomy';
export { buildReportBundle } from '../../src/app/export/report-bundle';
export { makeBenchEvents, benchTargets, medianMs, aggregationFigures } from './report-bench-events';
