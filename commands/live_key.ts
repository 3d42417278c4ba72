import { BaseCommand, args, flags } from '@adonisjs/core/ace'
import type { CommandOptions } from '@adonisjs/core/types/ace'
import User from '#models/user'
import { issueLiveKey, revokeLiveKey } from '#live/live_keys'
import { commandFailureLines } from '#exceptions/command_failure'
import { InvalidArgumentException } from '#exceptions/domain'

/**
 * A host's live key from a shell. The key is the only line on stdout, so
 * that a script can capture it (`KEY=$(node ace live:key host@radio.example)`);
 * everything else goes to stderr.
 */
export default class LiveKeyCommand extends BaseCommand {
  static commandName = 'live:key'
  static description = "Make a host's live key (printed once), or revoke it"
  static help = [
    '{{ binaryName }} live:key host@radio.example            (prints the new key; the last one is revoked)',
    '{{ binaryName }} live:key host@radio.example --revoke   (no key works for this host any more)',
  ]

  static options: CommandOptions = { startApp: true }

  @args.string({ description: "The host's e-mail address (their user name at the live input)" })
  declare email: string

  @flags.boolean({ description: 'Revoke the active key instead of making a new one' })
  declare revoke?: boolean

  async run() {
    try {
      const email = this.email.trim().toLowerCase()
      const user = await User.findBy('email', email)
      if (!user) throw new InvalidArgumentException(`no account with the e-mail ${email}`)
      if (this.revoke) {
        const revoked = await revokeLiveKey(user)
        this.#tell(
          revoked
            ? this.logger.prepareSuccess(`live key ${revoked.hint}… of ${user.email} revoked`)
            : this.logger.prepareInfo(`${user.email} has no active live key: nothing to revoke`)
        )
        return
      }
      const { key, liveKey } = await issueLiveKey(user)
      this.logger.log(key)
      this.#tell(
        this.logger.prepareSuccess(
          `live key ${liveKey.hint}… made for ${user.email}, any earlier one revoked; it is not shown again`
        )
      )
      if (!(await user.related('programs').query().first()))
        this.#tell(
          this.logger.prepareWarning(
            `${user.email} hosts no program: the key opens the live input only during their programs' diffusions`
          )
        )
    } catch (error) {
      this.exitCode = 1
      for (const line of commandFailureLines('live:key', error)) this.logger.error(line)
    }
  }

  /** A line for the operator, on stderr: stdout is the key's alone. */
  #tell(line: string) {
    this.logger.logError(line)
  }
}
