/** How many rows a rejected file held and how many of them broke the contract, when it was read that far. */
export interface RejectedRows {
  readonly rowsParsed: number;
  readonly errorsSeen: number;
}

/** A file whose content cannot be loaded as it is: recorded as failed, not retried until it changes. */
export class RejectedFileError extends Error {
  constructor(
    message: string,
    /** Counted into the load history beside the message. */
    readonly rows?: RejectedRows,
  ) {
    super(message);
    this.name = 'RejectedFileError';
  }
}
