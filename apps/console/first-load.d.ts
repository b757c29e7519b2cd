export declare const BUDGET_BYTES: number;
export declare function firstLoad(buildDir: string): { scripts: { file: string; bytes: number; gzipBytes: number }[]; bytes: number; gzipBytes: number };
