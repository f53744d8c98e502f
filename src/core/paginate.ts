/**
 * The one pagination of the SDK: a list that links to its next page. One security rule
 * for every provider: a link to another origin is refused (never rewritten, never
 * followed: the request carries a bearer token), a link seen before ends in an error
 * (a server looping us), and the number of pages is bounded.
 */
import { ProviderResponseError } from './errors.js';
import { buildUrl, type HttpRequest, type HttpResponse } from './http.js';
import type { Page } from './provider.js';

/** Pages read at most for one list: far beyond any real account history. */
export const MAX_PAGES = 10_000;

export async function* paginate<T>(
  provider: string,
  baseUrl: string,
  send: (req: HttpRequest) => Promise<HttpResponse>,
  first: HttpRequest,
  read: (response: HttpResponse) => Page<T>,
): AsyncGenerator<T[], void, undefined> {
  const origin = new URL(baseUrl).origin;
  let request = first;
  let url = buildUrl(baseUrl, first.path, first.query);
  const seen = new Set<string>([url]);
  for (let pages = 1; ; pages++) {
    const page = read(await send(request));
    yield page.items;
    const link = page.next;
    if (link === undefined || link === null || link === '') return;
    let next: URL;
    try {
      next = new URL(link, url);
    } catch {
      throw new ProviderResponseError(provider, first.endpoint, 'next', 'the next-page link is not a URL');
    }
    if (next.origin !== origin) {
      throw new ProviderResponseError(provider, first.endpoint, 'next', `the next-page link points to another origin (${next.origin}); not followed`);
    }
    next.hash = '';
    const key = next.toString();
    if (seen.has(key)) throw new ProviderResponseError(provider, first.endpoint, 'next', 'the next-page link points back to a page already read (a pagination cycle)');
    if (pages >= MAX_PAGES) throw new ProviderResponseError(provider, first.endpoint, 'next', `more than ${MAX_PAGES} pages; stopped`);
    seen.add(key);
    url = key;
    request = { ...first, path: key, query: undefined };
  }
}
