import factory from '@adonisjs/lucid/factories'
import User from '#models/user'

let serial = 0

/** Staff accounts; the password of every one is "a-long-password". */
export const UserFactory = factory
  .define(User, () => {
    const n = ++serial
    return {
      email: `staff${n}-${Date.now()}@example.org`,
      fullName: `Staff ${n}`,
      password: 'a-long-password',
      role: 'host' as const,
    }
  })
  .state('admin', (user) => (user.role = 'admin'))
  .state('manager', (user) => (user.role = 'manager'))
  .build()
