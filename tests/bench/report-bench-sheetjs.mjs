/**
 * A workbook class with the part of the exceljs API that src/app/export/xlsx.ts uses, written by
 * SheetJS Community Edition, so the report bench times SheetJS on exactly the workbook the app
 * builds (same sheets, rows, cells, widths, merges and number formats). SheetJS CE cannot write
 * fonts, fills, borders or frozen panes: those are dropped, so its file is the plainer one.
 */
export function sheetJsWorkbookClass(XLSX) {
  class Row {
    constructor(values, number) {
      this.values = values;
      this.number = number;
      this.formats = new Map();
      this.font = undefined;
    }
    getCell(n) {
      const formats = this.formats;
      return {
        set numFmt(z) {
          formats.set(n - 1, z);
        },
        fill: undefined,
        border: undefined,
      };
    }
    eachCell(fn) {
      this.values.forEach((v, i) => {
        if (v !== null && v !== undefined) fn(this.getCell(i + 1), i + 1);
      });
    }
  }
  class Sheet {
    constructor(name) {
      this.name = name;
      this.rows = [];
      this.cols = [];
      this.merges = [];
      this.views = [];
    }
    addRow(values) {
      const row = new Row([...values], this.rows.length + 1);
      this.rows.push(row);
      return row;
    }
    mergeCells(r1, c1, r2, c2) {
      this.merges.push({ s: { r: r1 - 1, c: c1 - 1 }, e: { r: r2 - 1, c: c2 - 1 } });
    }
    getColumn(i) {
      const cols = this.cols;
      return {
        set width(w) {
          cols[i - 1] = { wch: w };
        },
      };
    }
    toSheet() {
      const ws = XLSX.utils.aoa_to_sheet(this.rows.map((r) => r.values));
      ws['!cols'] = Array.from(this.cols, (c) => c ?? {});
      if (this.merges.length) ws['!merges'] = this.merges;
      this.rows.forEach((row, r) =>
        row.formats.forEach((z, c) => {
          const cell = ws[XLSX.utils.encode_cell({ r, c })];
          if (cell) cell.z = z;
        }),
      );
      return ws;
    }
  }
  return class SheetJsWorkbook {
    constructor() {
      this.creator = '';
      this.sheets = [];
      this.xlsx = { writeBuffer: async () => this.write() };
    }
    addWorksheet(name) {
      const ws = new Sheet(name);
      this.sheets.push(ws);
      return ws;
    }
    write() {
      const wb = XLSX.utils.book_new();
      for (const s of this.sheets) XLSX.utils.book_append_sheet(wb, s.toSheet(), s.name);
      return XLSX.write(wb, { type: 'array', bookType: 'xlsx', compression: true, bookSST: true });
    }
  };
}
