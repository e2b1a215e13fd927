/** `streamflow docs`'s flags, parsed before the command's dependencies load. */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_OUT } from './out-folder.js';

export interface DocsFlags {
  readonly outDir: string;
  /** The folder as the user named it, for messages. */
  readonly outName: string;
}

export const parseDocsFlags = (args: string[]): DocsFlags => {
  const { values } = parseArgs({ args, options: { out: { type: 'string' } }, strict: true, allowPositionals: false });
  return { outDir: resolve(values.out ?? DEFAULT_OUT), outName: values.out ?? DEFAULT_OUT };
};
