/**
 * Seals and opens small secrets with the master keyring (W-9): API credential secrets, OAuth
 * client secrets, signing keys' private keys and browser cookies. `MasterKeyring` is the one
 * implementation; core depends on this shape only.
 */
export interface Sealer {
  seal(plaintext: string, associatedData: string): string;
  open(sealed: string, associatedData: string): string;
}
