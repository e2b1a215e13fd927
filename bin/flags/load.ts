/** `streamflow load`'s flags, parsed and checked before the command's dependencies load. */
import { parseArgs } from 'node:util';
import { UsageError } from '../cli/flags.js';
import { runFolderFlag } from './out-folder.js';

export interface LoadFlags {
  readonly outDir: string;
  /** `--reload PREFIX [--force]`: load the files under PREFIX again. */
  readonly reload: { readonly reload: string; readonly force: boolean } | undefined;
  readonly json: boolean;
}

/** A key prefix as S3 and the folder store both read it: relative, no empty, `.` or `..` segment (a trailing `/` is fine). */
const isSafePrefix = (prefix: string): boolean => prefix !== '' && !prefix.startsWith('/') && !prefix.replace(/\/$/, '').split('/').some((part) => part === '' || part === '.' || part === '..');

export const parseLoadFlags = (args: string[]): LoadFlags => {
  const { values } = parseArgs({
    args,
    options: { out: { type: 'string' }, reload: { type: 'string' }, force: { type: 'boolean' }, json: { type: 'boolean' } },
    strict: true,
  });
  if (values.force && values.reload === undefined) throw new UsageError('--force needs --reload PREFIX (which files to reload)');
  const outDir = runFolderFlag(values.out);
  if (values.reload !== undefined && !isSafePrefix(values.reload)) {
    throw new UsageError(`--reload must be an object key prefix such as gold/transactions/ (relative, no . or .. segments), got "${values.reload}"`);
  }
  return { outDir, reload: values.reload === undefined ? undefined : { reload: values.reload, force: values.force ?? false }, json: values.json ?? false };
};
