/*
| Login throttling (issue 12, #6): wrong passwords are counted per account
| and per address. Past the limit, every attempt is refused for the block
| time, the right password included, so guessing costs the attacker the
| block time per handful of tries. A successful login clears its account's
| count; the address's count runs out on its own.
*/
import { createHash } from 'node:crypto'
import limiter from '@adonisjs/limiter/services/main'

export const LOGIN_LIMITS = {
  account: { requests: 5, duration: '15 mins', blockDuration: '15 mins' },
  address: { requests: 20, duration: '15 mins', blockDuration: '15 mins' },
} as const

export class LoginThrottle {
  readonly #accountKey: string
  readonly #addressKey: string

  /** The email is hashed: the counters table does not list who tried to log in. */
  constructor(email: string, address: string) {
    const account = createHash('sha256').update(email.trim().toLowerCase()).digest('hex')
    this.#accountKey = `login_account_${account}`
    this.#addressKey = `login_address_${address}`
  }

  get #account() {
    return limiter.use(LOGIN_LIMITS.account)
  }

  get #address() {
    return limiter.use(LOGIN_LIMITS.address)
  }

  /** Seconds until attempts are heard again, or 0 when they are now. */
  async retryAfter(): Promise<number> {
    const [account, address] = await Promise.all([
      this.#account.availableIn(this.#accountKey),
      this.#address.availableIn(this.#addressKey),
    ])
    return Math.max(account, address)
  }

  /** One more wrong password: at the limit, the key is blocked for the block time. */
  async failed() {
    await Promise.all([
      count(this.#account, this.#accountKey),
      count(this.#address, this.#addressKey),
    ])
  }

  async succeeded() {
    await this.#account.delete(this.#accountKey)
  }
}

async function count(counter: ReturnType<typeof limiter.use>, key: string) {
  const { consumed, limit } = await counter.increment(key)
  if (consumed >= limit && counter.blockDuration) await counter.block(key, counter.blockDuration)
}
