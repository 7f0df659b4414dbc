/**
 * The providers' client secrets are kept encrypted (AES-256-GCM under SSO_SECRET_KEY): a copy of the database, a
 * backup or a dump does not hand out what lets anyone act as Allervers at an organisation's provider. The key lives in
 * the server's environment only; the API never answers a secret back, only whether one is stored. The providers'
 * refresh tokens (sso_session) are kept the same way, with their session's id as associated data: a token copied onto
 * another row does not decrypt.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto'

const VERSION = 'v1'

export function encryptSecret(key: Buffer, secret: string, associatedData?: string): string {
  const iv = randomBytes(12)
  const cipher = createCipheriv('aes-256-gcm', key, iv)
  if (associatedData !== undefined) cipher.setAAD(Buffer.from(associatedData, 'utf8'))
  const encrypted = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()])
  const tag = cipher.getAuthTag()
  return [VERSION, iv.toString('base64url'), tag.toString('base64url'), encrypted.toString('base64url')].join('.')
}

/** The secret, or null when it was encrypted under another key (or altered): the settings must be saved again. */
export function decryptSecret(key: Buffer, stored: string, associatedData?: string): string | null {
  const [version, iv, tag, encrypted] = stored.split('.')
  if (version !== VERSION || !iv || !tag || encrypted === undefined) return null
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'))
    decipher.setAuthTag(Buffer.from(tag, 'base64url'))
    if (associatedData !== undefined) decipher.setAAD(Buffer.from(associatedData, 'utf8'))
    return Buffer.concat([decipher.update(Buffer.from(encrypted, 'base64url')), decipher.final()]).toString('utf8')
  } catch {
    return null
  }
}
