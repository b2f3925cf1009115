// What tests/bench/report-bench.mjs measures, bundled for Node by Vite (Node 20 cannot run .ts).
export { buildYearReport } from '../../src/domain/report';
export { buildNarrative } from '../../src/domain/report-text';
export { evaluateTargets } from '../../src/domain/targets-eval';
export { buildRegionPack } from '../../src/domain/region';
export { DEFAULT_TAXONOMY } from '../../src/domain/taxonomy';
export { yearMonthOf, toZonedIso } from '../../src/domain/year';
export { buildReportBundle } from '../../src/app/export/report-bundle';
export { reportXlsxBytes } from '../../src/app/export/xlsx';
export { reportDocxBytes } from '../../src/app/export/docx';
export { eventDetailCsv } from '../../src/app/export/csv';
