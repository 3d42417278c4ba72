import { BaseCommand, args, flags } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'
import { errors as vineErrors } from '@vinejs/vine'
import db from '@adonisjs/lucid/services/db'
import User from '#models/user'
import { userCreateValidator } from '#validators/user'
import { commandFailureLines } from '#exceptions/command_failure'
import { InvalidArgumentException } from '#exceptions/domain'

/** The first administrator of a fresh install, or any account, from a shell. */
export default class UsersCreate extends BaseCommand {
  static commandName = 'users:create'
  static description = 'Create a staff account of the CMS (admin, manager or host)'
  static help = [
    '{{ binaryName }} users:create admin@radio.example --role admin      (asks the password)',
    'ANTENNE_PASSWORD=... {{ binaryName }} users:create host@radio.example --role host --program morning-talk',
  ]

  static options: CommandOptions = { startApp: true }

  @args.string({ description: 'Email address, used to log in' })
  declare email: string

  @flags.string({ description: 'admin, manager or host', default: 'host' })
  declare role: string

  @flags.string({ description: 'Full name' })
  declare name?: string

  @flags.array({ description: 'Station slug the manager runs (repeatable)' })
  declare station?: string[]

  @flags.array({ description: 'Program slug the host edits (repeatable)' })
  declare program?: string[]

  async run() {
    try {
      // The password comes from the environment (scripts) or the prompt; never from argv, which `ps` shows.
      const password =
        process.env.ANTENNE_PASSWORD ??
        (await this.prompt.secure('Password (12 characters at least, not a common one)'))
      const stationIds = await this.ids('stations', this.station)
      const programIds = await this.ids('programs', this.program)
      const input = await userCreateValidator.validate({
        email: this.email,
        password,
        role: this.role,
        fullName: this.name ?? null,
      })
      if (await User.findBy('email', input.email))
        throw new InvalidArgumentException(
          `an account with the email ${input.email} exists already`
        )
      const user = await User.create(input)
      await user.related('stations').sync(stationIds)
      await user.related('programs').sync(programIds)
      this.logger.success(
        `${user.role} ${user.email} created (id ${user.id}): log in at /staff/login`
      )
    } catch (error) {
      this.exitCode = 1
      if (error instanceof vineErrors.E_VALIDATION_ERROR) {
        for (const m of error.messages as Array<{ message: string }>)
          this.logger.error(`E_INVALID_ARGUMENT: ${m.message}`)
        return
      }
      for (const line of commandFailureLines('users:create', error)) this.logger.error(line)
    }
  }

  async ids(table: 'stations' | 'programs', slugs: string[] = []) {
    const ids: number[] = []
    for (const slug of slugs) {
      const rows = await db.from(table).where('slug', slug).select('id')
      if (rows.length !== 1)
        throw new InvalidArgumentException(
          `${rows.length ? 'several' : 'no'} ${table.slice(0, -1)} "${slug}"`
        )
      ids.push(Number(rows[0].id))
    }
    return ids
  }
}
