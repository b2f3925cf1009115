// exceljs (what the app used until issue 11), as a chunk: the report bench weighs it.
export { default } from 'exceljs';
