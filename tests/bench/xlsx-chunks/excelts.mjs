// The XLSX library the app uses, as a chunk: the report bench bundles it to weigh it.
export { Workbook } from '@cj-tech-master/excelts';
