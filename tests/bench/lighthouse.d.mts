/**
 * Types of lighthouse.mjs: the part of Lighthouse 12's and chrome-launcher 1's API the e2e test
 * uses, written here so the type check passes without tests/bench/node_modules installed.
 */
export interface LighthouseAudit {
  id: string;
  title: string;
  score: number | null;
  numericValue?: number;
  details?: unknown;
}
export interface LighthouseResult {
  lhr: {
    runtimeError?: { code: string; message: string };
    categories: Record<string, { score: number | null; auditRefs: { id: string; weight: number }[] } | undefined>;
    audits: Record<string, LighthouseAudit | undefined>;
  };
}
export declare function lighthouse(url: string, flags: Record<string, unknown>): Promise<LighthouseResult | undefined>;
export interface LaunchedChrome {
  port: number;
  kill(): void | Promise<void>;
}
export declare function launch(options: { chromePath: string; chromeFlags: string[]; logLevel?: string }): Promise<LaunchedChrome>;
