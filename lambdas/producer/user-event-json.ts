/**
 * The JSON text of a user event, exactly what `JSON.stringify(event)` gives for the events the
 * session model builds (test/producer/user-event-json.test.ts holds the two equal), in about a
 * third of its time: `JSON.stringify` walks each object generically, and at one call per event it
 * was the largest single cost of generation. The field order is the session model's.
 */
import type { UserEvent } from '../shared/contracts/events.js';

/** Characters JSON must escape (and lone surrogates, which JSON.stringify writes as `\u` escapes). */
// eslint-disable-next-line no-control-regex -- control characters are what JSON escapes, so matching them is the point
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;

/** A free-text string as JSON; `null` when absent. Almost every value needs no escaping, and the test is cheaper than the call. */
const jsonText = (text: string | null | undefined): string =>
  text == null ? 'null' : NEEDS_ESCAPE.test(text) ? JSON.stringify(text) : `"${text}"`;

/** An id, quoted; `null` when absent. */
const jsonId = (id: string | null | undefined): string => (id == null ? 'null' : `"${id}"`);

/**
 * Ids (the contract allows only letters, digits, `-` and `_` in them), timestamps and enum values
 * never hold a character JSON escapes, so they are written between quotes as they are; only the
 * free-text fields, the page URL and the search, go through `JSON.stringify`.
 */
export const userEventJson = (event: UserEvent): string =>
  `{"event_id":"${event.event_id}","user_id":"${event.user_id}","session_id":"${event.session_id}",` +
  `"event_type":"${event.event_type}","event_ts":"${event.event_ts}","page_url":${jsonText(event.page_url)},` +
  `"product_id":${jsonId(event.product_id)},"search_query":${jsonText(event.search_query)},` +
  `"transaction_id":${jsonId(event.transaction_id)},"device_type":"${event.device_type}","browser":"${event.browser}",` +
  `"operating_system":"${event.operating_system}","referrer":"${event.referrer}"}`;
