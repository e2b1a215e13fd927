/** Why a record was quarantined. Codes are stable (metrics and reports group by them). */
export const REASON_CODES = [
  'unknown_topic',
  'invalid_input_line',
  'tombstone',
  'invalid_utf8',
  'malformed_json',
  'not_an_object',
  'missing_field',
  'invalid_type',
  'invalid_value',
  'unknown_user_id',
  'unknown_product_id',
  'future_timestamp',
  'ancient_timestamp',
  'duplicate_in_batch',
  'control_character',
] as const;
export type ReasonCode = (typeof REASON_CODES)[number];

export interface Reason {
  readonly code: ReasonCode;
  /** Dotted path of the offending field, when there is one. */
  readonly field?: string;
  readonly detail: string;
}
