/*
| What a staff password must be (issue 12, #15): the CMS is on the internet
| for hosts to upload from home, and "10 characters" let `1111111111` in.
| 12 characters at least; not only digits (or only symbols); not one
| character or a short group repeated; not a common password, even with
| digits or symbols around it; not the account's email or its name part.
| Checked by the VineJS rule of every form that sets a password
| (#validators/rules `password`) and so by users:create too.
*/
import { readFileSync } from 'node:fs'
import app from '@adonisjs/core/services/app'

export const MIN_PASSWORD_LENGTH = 12

/** Why a password is refused; each is a message key `shared.messages.<problem>`. */
export type PasswordProblem =
  'passwordLength' | 'passwordOneKind' | 'passwordRepeated' | 'passwordCommon' | 'passwordEmail'

let common: ReadonlySet<string> | null = null

/** The list shipped in resources/passwords/common.txt, read once. */
export function commonPasswords(): ReadonlySet<string> {
  common ??= new Set(
    readFileSync(app.makePath('resources/passwords/common.txt'), 'utf8')
      .split('\n')
      .map((line) => line.trim().toLowerCase())
      .filter((line) => line && !line.startsWith('#'))
  )
  return common
}

export function passwordProblem(
  password: string,
  email: string | null | undefined,
  list: ReadonlySet<string> = commonPasswords()
): PasswordProblem | null {
  if ([...password].length < MIN_PASSWORD_LENGTH) return 'passwordLength'
  if (/^\d+$/.test(password) || /^[^\p{L}\p{N}]+$/u.test(password)) return 'passwordOneKind'
  // aaaaaaaaaaaa, abababababab, 1212121212ab: too few different characters to guess.
  if (new Set(password).size < 5) return 'passwordRepeated'
  const lower = password.toLowerCase()
  // The word without the digits and symbols people add around it: Password2024!, 1234azerty.
  const core = lower.replace(/^[^\p{L}]+|[^\p{L}]+$/gu, '')
  const repeated = /^(.+?)\1+$/u.exec(core)?.[1]
  if ([lower, core, repeated].some((candidate) => candidate && list.has(candidate)))
    return 'passwordCommon'
  const address = email?.trim().toLowerCase()
  if (address) {
    const name = address.split('@')[0]
    if (
      lower.includes(address) ||
      (name.length >= 4 && lower.includes(name)) ||
      address.includes(lower)
    )
      return 'passwordEmail'
  }
  return null
}
