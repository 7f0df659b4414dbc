/**
 * The second factor's arithmetic, without a database: TOTP secrets and codes (RFC 6238 through otpauth: SHA-1, 6
 * digits, 30 seconds, the defaults every authenticator app reads), their encryption at rest, and recovery codes.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes, randomInt } from 'node:crypto'
import { Secret, TOTP } from 'otpauth'
import QRCode from 'qrcode'

export const TOTP_PERIOD_SECONDS = 30
export const TOTP_DIGITS = 6
/** Codes of the step before and the step after are accepted too: a phone's clock a little off, a slow typist. */
export const TOTP_WINDOW = 1
export const RECOVERY_CODE_COUNT = 10
/** 31 letters and digits that cannot be taken for one another (no i, l, o, 0, 1). */
const RECOVERY_ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789'
/** 16 characters of 31: about 79 bits, shown as four groups of four. */
const RECOVERY_LENGTH = 16

const ISSUER = 'Allervers'
const ENCRYPTION_VERSION = 'v1'

export function newTotpSecret(): string {
  return new Secret({ size: 20 }).base32
}

function totpOf(secret: string, label = 'Allervers'): TOTP {
  return new TOTP({
    issuer: ISSUER,
    label,
    secret: Secret.fromBase32(secret),
    algorithm: 'SHA1',
    digits: TOTP_DIGITS,
    period: TOTP_PERIOD_SECONDS,
  })
}

/** The 30-second step `timestamp` falls in. */
export function totpStepAt(timestamp: number): number {
  return Math.floor(timestamp / 1000 / TOTP_PERIOD_SECONDS)
}

/** The code of the secret at `timestamp` (tests, and the e2e scenario's "phone"). */
export function totpCodeAt(secret: string, timestamp: number): string {
  return totpOf(secret).generate({ timestamp })
}

/** The step the code belongs to when it is right within ±TOTP_WINDOW steps of `timestamp`, else null. */
export function matchTotp(secret: string, code: string, timestamp: number): number | null {
  if (!/^\d{6}$/.test(code)) return null
  const delta = totpOf(secret).validate({ token: code, timestamp, window: TOTP_WINDOW })
  return delta === null ? null : totpStepAt(timestamp) + delta
}

/** What an authenticator app scans: the otpauth:// URI and its QR code as an SVG data URL. */
export async function provisioningOf(secret: string, accountLabel: string) {
  const uri = totpOf(secret, accountLabel).toString()
  const svg = await QRCode.toString(uri, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 })
  return { uri, qrCode: `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}` }
}

/**
 * Encrypts a TOTP secret with AES-256-GCM; the user's id is authenticated with it, so a secret copied onto another
 * account's row does not decrypt. Stored as `v1.<iv>.<ciphertext>.<tag>` in base64url.
 */
export function encryptSecret(key: Buffer, userId: string, secret: string): string {
  const iv = randomBytes(12)
  const cipher = createCipheriv('aes-256-gcm', key, iv)
  cipher.setAAD(Buffer.from(userId))
  const ciphertext = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()])
  return [ENCRYPTION_VERSION, iv, ciphertext, cipher.getAuthTag()]
    .map((part) => (typeof part === 'string' ? part : part.toString('base64url')))
    .join('.')
}

/** The secret stored by `encryptSecret`; throws when the key or the account is not the one it was stored with. */
export function decryptSecret(key: Buffer, userId: string, stored: string): string {
  const [version, iv, ciphertext, tag] = stored.split('.')
  if (version !== ENCRYPTION_VERSION || !iv || !ciphertext || !tag) throw new Error('Unknown form of a stored secret')
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'))
  decipher.setAAD(Buffer.from(userId))
  decipher.setAuthTag(Buffer.from(tag, 'base64url'))
  return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString('utf8')
}

/** Ten new recovery codes, e.g. `k7mq-2xrt-9bcw-hn4p`: shown once, stored as their hash. */
export function newRecoveryCodes(count = RECOVERY_CODE_COUNT): string[] {
  return Array.from({ length: count }, () => {
    let code = ''
    for (let index = 0; index < RECOVERY_LENGTH; index++) code += RECOVERY_ALPHABET[randomInt(RECOVERY_ALPHABET.length)]
    return code.match(/.{4}/g)!.join('-')
  })
}

/** A recovery code as typed (any case, with or without dashes and spaces), or null when it cannot be one. */
export function normalizeRecoveryCode(input: string): string | null {
  const code = input.toLowerCase().replace(/[\s-]/g, '')
  if (code.length !== RECOVERY_LENGTH || [...code].some((char) => !RECOVERY_ALPHABET.includes(char))) return null
  return code
}

/**
 * The stored form of a recovery code: its SHA-256. Enough for 79 random bits (no dictionary to try, 2^79 guesses
 * to undo), and it lets a code be found and spent in one UPDATE, which decides a race between two uses.
 */
export function hashRecoveryCode(normalized: string): string {
  return createHash('sha256').update(`allervers-recovery:${normalized}`).digest('hex')
}
