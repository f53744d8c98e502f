export interface Entry {
  /** `.` for the root, else the subpath after `polybank/`. */
  subpath: string;
  /** The source file, relative to the repository root. */
  source: string;
  /** The dist file's base name. */
  name: string;
}
export const ROOT: string;
export function providerIds(root?: string): string[];
export function entries(root?: string): Entry[];
export function buildEntries(root?: string): Record<string, string>;
export function packageFields(root?: string): { exports: Record<string, unknown>; typesVersions: { '*': Record<string, string[]> } };
export function simulatedIds(root?: string): string[];
export function generatedFiles(root?: string): Record<string, string>;
