/** HTML + JS + CSS of the listener page, gzip -9, in bytes: 20 KB counted as 20,000 bytes. */
export declare const GZIP_BUDGET_BYTES = 20000;
export declare const DIST_DIR: string;
export interface FileSize {
    readonly file: string;
    readonly bytes: number;
    readonly gzipBytes: number;
}
/** Every HTML, JS and CSS file of a built page, with its raw and gzip -9 size. */
export declare function measureDist(dir?: string): FileSize[];
export declare const totalGzipBytes: (sizes: readonly FileSize[]) => number;
