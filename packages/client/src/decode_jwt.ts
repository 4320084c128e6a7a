import { decodeBase64Url } from './base64url.js';

/** The decoded header and claims of a compact JWS, as untrusted JSON objects. */
export interface DecodedJwt {
  readonly header: Record<string, unknown>;
  readonly payload: Record<string, unknown>;
  /** `header.payload`, the bytes the signature covers. */
  readonly signingInput: string;
  readonly signature: Uint8Array<ArrayBuffer>;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function decodeObject(segment: string): Record<string, unknown> | null {
  const bytes = decodeBase64Url(segment);
  if (bytes === null) return null;
  try {
    const value: unknown = JSON.parse(utf8.decode(bytes));
    return value !== null && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}

/**
 * Splits and decodes a compact JWS **without verifying it**: for reading `exp` of a token the
 * client holds, and as the first step of `verifyAccessToken`. Returns null for anything that
 * is not three base64url segments with JSON object header and payload.
 */
export function decodeJwt(token: string): DecodedJwt | null {
  if (typeof token !== 'string' || token.length > 16_384) return null;
  const parts = token.split('.');
  if (parts.length !== 3) return null;
  const [headerPart = '', payloadPart = '', signaturePart = ''] = parts;
  const header = decodeObject(headerPart);
  const payload = decodeObject(payloadPart);
  const signature = decodeBase64Url(signaturePart);
  if (!header || !payload || !signature) return null;
  return { header, payload, signingInput: `${headerPart}.${payloadPart}`, signature };
}
