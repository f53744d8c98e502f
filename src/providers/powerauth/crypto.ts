/**
 * Web Flow's PASSWORD_ENCRYPTION_AES (AesEncryptionPasswordProtection): a random 16-byte
 * IV per password, AES-CBC with PKCS#7 padding over the UTF-8 bytes, sent as
 * `base64(iv):base64(ciphertext)`. WebCrypto only, so it runs outside Node too.
 */

function base64(bytes: Uint8Array): string {
  let text = '';
  for (const byte of bytes) text += String.fromCharCode(byte);
  return btoa(text);
}

export async function encryptPassword(password: string, key: Uint8Array): Promise<string> {
  const iv = crypto.getRandomValues(new Uint8Array(16));
  const cryptoKey = await crypto.subtle.importKey('raw', key as Uint8Array<ArrayBuffer>, { name: 'AES-CBC' }, false, ['encrypt']);
  const cipher = await crypto.subtle.encrypt({ name: 'AES-CBC', iv }, cryptoKey, new TextEncoder().encode(password));
  return `${base64(iv)}:${base64(new Uint8Array(cipher))}`;
}
