export const EDGE_TARGET_BYTES: number;
export const EDGE_BUDGET_BYTES: number;
export function edgeEntry(id: string): string;
export function groupOf(input: string, id: string): string;
export interface EdgeBundle {
  provider: string;
  from: 'src' | 'dist';
  /** Minified bytes. */
  minified: number;
  /** Minified then gzip (level 9) bytes. */
  gzip: number;
  /** Imports left outside the bundle. */
  externalImports: string[];
  /** `node:` modules the bundle imports (left external: an edge runtime has none). */
  nodeImports: string[];
  /** Minified bytes per part (a dependency by name, `polybank core`, `provider (<id>)`…), largest first. */
  groups: { group: string; bytes: number }[];
  /** Minified bytes per input file, largest first. */
  files: { path: string; bytes: number }[];
}
export interface BundleOptions {
  from?: 'src' | 'dist';
  root?: string;
  resolveDir?: string;
  external?: string[];
}
export function bundleCode(contents: string, id: string, options?: BundleOptions): Promise<EdgeBundle>;
export function edgeBundle(id: string, options?: Omit<BundleOptions, 'external'>): Promise<EdgeBundle>;
export function gzipShare(bundle: EdgeBundle, group: string): number;
