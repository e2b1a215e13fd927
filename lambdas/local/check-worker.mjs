// Entry of a check worker thread: a worker does not inherit the TypeScript loader of the thread
// that starts it (tsx on the CLI, vitest's in tests), so it registers tsx itself.
import { register } from 'tsx/esm/api';

register();
await import('./check-worker.ts');
