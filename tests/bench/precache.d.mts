/** Types of precache.mjs, for tests/build/vite-build.test.ts. */
export interface FileBytes {
  file: string;
  raw: number;
  wire: number;
}
export interface FirstVisit {
  precacheEntries: number;
  precacheBytes: number;
  totalBytes: number;
  entries: FileBytes[];
  runtime: FileBytes[];
  runtimeBytes: number;
}
export declare const FIRST_VISIT_BUDGET: number;
export declare function wireBytes(buf: Uint8Array): number;
export declare function readServiceWorker(dist: string): { precached: string[]; imported: string[] };
export declare function measureFirstVisit(dist: string): FirstVisit;
export declare function formatFirstVisit(m: FirstVisit, top?: number): string;
