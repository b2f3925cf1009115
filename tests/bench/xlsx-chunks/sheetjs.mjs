// SheetJS Community Edition (@e965/xlsx), as a chunk: the report bench weighs it.
export { read, write, utils } from '@e965/xlsx';
