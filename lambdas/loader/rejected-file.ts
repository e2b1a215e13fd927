/** A file whose content cannot be loaded as it is: recorded as failed, not retried until it changes. */
export class RejectedFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RejectedFileError';
  }
}
