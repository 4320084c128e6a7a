/**
 * The four fields of a WSSE UsernameToken (W-1), each exactly as transmitted: no trimming,
 * no decoding. `Created` in particular must stay byte-exact because the digest hashes it as
 * sent (W-2).
 */
export interface UsernameToken {
  /** The credential key (Penneo style) or the user's login (OroPlatform style), W-8. */
  readonly username: string;
  /** `base64(sha1(decode64(nonce) ‖ created ‖ secret))` as the client sent it. */
  readonly passwordDigest: string;
  /** The client's nonce text; the digest uses its PHP-lenient base64 decoding. */
  readonly nonce: string;
  /** The client's timestamp text, see `parseCreated` for the accepted forms (W-4). */
  readonly created: string;
}
