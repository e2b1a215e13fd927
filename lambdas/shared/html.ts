/** The little HTML the generated pages need: escaping, and JSON that is safe inside a script element. */

/** Text or an attribute value, escaped for HTML. */
export const escapeHtml = (text: string): string =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

/** JSON for a `<script type="application/json">`: `<` escaped so no value can close the element. */
export const scriptJson = (value: unknown): string => JSON.stringify(value).replace(/</g, '\\u003c');

/** A script's source inlined in a page: `</script` would end the element early, so it is split. */
export const inlineScript = (source: string): string => source.replace(/<\/script/gi, '<\\/script');

/** An id usable in a URL fragment and an HTML id: `gold.fact_transactions` -> `gold-fact_transactions`. */
export const anchorOf = (text: string): string => text.replace(/[^a-zA-Z0-9_-]+/g, '-');
