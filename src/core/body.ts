/**
 * Reading a provider's response body with two bounds: time (a body that trickles in) and
 * size (a hostile or broken provider answering 300 MB). The size is checked against
 * `content-length` before reading, then on the bytes as they arrive.
 */
import { NetworkError, TimeoutError } from './errors.js';

/** Thrown when a body is larger than allowed; the HTTP layer types it as a ProviderResponseError. */
export class ResponseTooLargeError extends Error {
  override name = 'ResponseTooLargeError';
}

export interface BodyLimits {
  timeout: number;
  maxBytes: number;
  provider: string;
  endpoint: string;
  signal?: AbortSignal | undefined;
}

function tooLarge(limits: BodyLimits, what: string): ResponseTooLargeError {
  return new ResponseTooLargeError(`the response body ${what} the ${limits.maxBytes}-byte limit (maxResponseBytes); not read`);
}

export async function boundedText(response: Response, limits: BodyLimits): Promise<string> {
  const declared = response.headers.get('content-length');
  if (declared !== null && /^\s*\d+\s*$/.test(declared) && Number(declared) > limits.maxBytes) {
    void response.body?.cancel().catch(() => undefined);
    throw tooLarge(limits, `(content-length ${declared.trim()}) exceeds`);
  }
  const body = response.body;
  if (!body) return '';
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      void reader.cancel().catch(() => undefined);
      reject(new TimeoutError(`${limits.provider} ${limits.endpoint} timed out while reading the response body`, { provider: limits.provider, endpoint: limits.endpoint }));
    }, limits.timeout);
  });
  const read = async (): Promise<string> => {
    let size = 0;
    let text = '';
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > limits.maxBytes) {
        void reader.cancel().catch(() => undefined);
        throw tooLarge(limits, 'exceeds');
      }
      text += decoder.decode(value, { stream: true });
    }
    return text + decoder.decode();
  };
  try {
    return await Promise.race([read(), timedOut]);
  } catch (error) {
    if (error instanceof TimeoutError || error instanceof ResponseTooLargeError) throw error;
    const message = error instanceof Error ? error.message : String(error);
    throw new NetworkError(`${limits.provider} ${limits.endpoint} failed while reading the response body: ${message}`, {
      provider: limits.provider,
      endpoint: limits.endpoint,
    });
  } finally {
    clearTimeout(timer);
  }
}
