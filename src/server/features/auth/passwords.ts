import { randomInt } from 'node:crypto'
import { hash, verify } from '@node-rs/argon2'

// argon2id with the library's defaults (m=19 MiB, t=2, p=1): OWASP's recommended minimum.
export async function hashPassword(password: string): Promise<string> {
  return hash(password)
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password)
  } catch {
    return false
  }
}

let dummyHash: Promise<string> | undefined
/** Spends the same time as a real check when the account does not exist, so timing does not reveal accounts. */
export async function verifyAgainstNothing(password: string): Promise<void> {
  dummyHash ??= hash('not-a-real-password-but-the-same-cost')
  await verifyPassword(await dummyHash, password)
}

/** A password that is easy to read aloud and type: four groups of letters and digits, 16 × log2(56) ≈ 93 bits. */
export function generatePassword(): string {
  const alphabet = 'abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789'
  let out = ''
  for (let index = 0; index < 16; index++) {
    if (index > 0 && index % 4 === 0) out += '-'
    // randomInt draws without the modulo bias of a byte taken modulo 56.
    out += alphabet[randomInt(alphabet.length)]
  }
  return out
}
