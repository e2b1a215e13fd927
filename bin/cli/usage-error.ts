/** A mistake in how a command was called: exit code 2 and a pointer to the command's help. */
export class UsageError extends Error {}
