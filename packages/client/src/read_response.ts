import { InvalidResponseError } from './errors.js';

/** Reads a whole response body as text and, when it parses, as JSON. */
export async function readResponse(
  response: Response,
): Promise<{ text: string; json: unknown; isJson: boolean }> {
  const text = await response.text();
  try {
    return { text, json: JSON.parse(text) as unknown, isJson: true };
  } catch {
    return { text, json: undefined, isJson: false };
  }
}

/** The JSON object of a 2xx answer. @throws InvalidResponseError when it is not one. */
export function requireJsonObject(
  read: { json: unknown; isJson: boolean },
  what: string,
): Record<string, unknown> {
  if (!read.isJson || read.json === null || typeof read.json !== 'object') {
    throw new InvalidResponseError(`${what} did not answer with a JSON object`);
  }
  return read.json as Record<string, unknown>;
}
