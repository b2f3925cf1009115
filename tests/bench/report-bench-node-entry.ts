// Node-only additions to the report bench bundle: the export writers.
export * from './report-bench-entry';
export { reportXlsxBytes } from '../../src/app/export/xlsx';
export { reportDocxBytes } from '../../src/app/export/docx';
export { eventDetailCsv } from '../../src/app/export/csv';
export { Workbook as ExceltsWorkbook } from '@cj-tech-master/excelts';
