/** Types of rows.mjs, for the e2e test that runs the quick bench. */
export interface BenchRowSpec {
  id: string;
  group: string;
  figure: string;
  target: string;
}
export declare const ROWS: readonly BenchRowSpec[];
export declare const GROUPS: readonly string[];
export declare function figureName(r: BenchRowSpec, sizes: { N: number; M: number }): string;
export declare const QUICK_SIZES: { N: number; M: number };
export declare const FULL_SIZES: { N: number; M: number };
