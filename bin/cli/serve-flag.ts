/**
 * `--serve [PORT]`: a flag whose value may be left out, which node:util's parseArgs cannot
 * express. It is taken out of the arguments before parsing: followed by a number it is the port,
 * otherwise the default.
 */
import { DEFAULT_SERVE_PORT } from '../../lambdas/local/serve-port.js';
import { UsageError } from './flags.js';

export const takeServeFlag = (args: readonly string[]): { readonly args: string[]; readonly port: number | undefined } => {
  const rest = [...args];
  const at = rest.findIndex((arg) => arg === '--serve' || arg.startsWith('--serve='));
  if (at < 0) return { args: rest, port: undefined };
  const [flag] = rest.splice(at, 1);
  let raw = flag!.startsWith('--serve=') ? flag!.slice('--serve='.length) : undefined;
  if (raw === undefined && /^\d+$/.test(rest[at] ?? '')) raw = rest.splice(at, 1)[0];
  if (raw === undefined) return { args: rest, port: DEFAULT_SERVE_PORT };
  const port = Number(raw);
  if (!/^\d+$/.test(raw) || port < 1 || port > 65_535) throw new UsageError(`--serve takes a port from 1 to 65535, got "${raw}"`);
  return { args: rest, port };
};
