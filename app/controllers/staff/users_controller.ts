import router from '@adonisjs/core/services/router'
import type { HttpContext } from '@adonisjs/core/http'
import db from '@adonisjs/lucid/services/db'
import User from '#models/user'
import Station from '#models/station'
import Program from '#models/program'
import { userCreateValidator, userUpdateValidator } from '#validators/user'
import { validated } from '#controllers/staff/form'
import { pageNumber } from '#controllers/pagination'
import { endSessionsOf, revokeApiTokensOf } from '#cms/staff_sessions'
import { currentLiveKey } from '#live/live_keys'

/** Staff accounts: the admin's alone. */
export default class UsersController {
  async index({ view, access, request }: HttpContext) {
    access.authorize(access.isAdmin, 'users')
    const users = await User.query().orderBy('email').paginate(pageNumber(request), 50)
    users.baseUrl(router.makeUrl('staff.users.index'))
    return view.render('pages/staff/users/index', { users })
  }

  async create({ view, access }: HttpContext) {
    access.authorize(access.isAdmin, 'users')
    return view.render('pages/staff/users/form', {
      account: null,
      ...(await this.#choices()),
      stationIds: [],
      programIds: [],
    })
  }

  async store(ctx: HttpContext) {
    ctx.access.authorize(ctx.access.isAdmin, 'users')
    const { stationIds, programIds, ...input } = await validated(ctx, userCreateValidator)
    if (await User.findBy('email', input.email)) return this.#taken(ctx)
    const user = await db.transaction(async (trx) => {
      const created = await User.create(
        { ...input, fullName: input.fullName ?? null },
        { client: trx }
      )
      await created.related('stations').sync(stationIds ?? [])
      await created.related('programs').sync(programIds ?? [])
      return created
    })
    ctx.session.flash('notice', ctx.i18n.t('staff.saved'))
    return ctx.response.redirect().toRoute('staff.users.show', { id: user.id })
  }

  async show({ view, params, access }: HttpContext) {
    access.authorize(access.isAdmin, 'users')
    const account = await User.findOrFail(params.id)
    const stationIds = (await db.from('station_user').where('user_id', account.id)).map((r) =>
      Number(r.station_id)
    )
    const programIds = (await db.from('program_user').where('user_id', account.id)).map((r) =>
      Number(r.program_id)
    )
    return view.render('pages/staff/users/form', {
      account,
      ...(await this.#choices()),
      stationIds,
      programIds,
      liveKey: await currentLiveKey(account),
    })
  }

  async update(ctx: HttpContext) {
    ctx.access.authorize(ctx.access.isAdmin, 'users')
    const account = await User.findOrFail(ctx.params.id)
    const { stationIds, programIds, password, ...input } = await validated(ctx, userUpdateValidator)
    const other = await User.findBy('email', input.email)
    if (other && other.id !== account.id) return this.#taken(ctx)
    // The last admin cannot demote themself: someone must be able to manage users.
    if (account.id === ctx.access.user.id && input.role !== 'admin') {
      ctx.session.flash('problem', ctx.i18n.t('staff.users.keep_admin'))
      return ctx.response.redirect().back()
    }
    const roleChanged = input.role !== account.role
    await db.transaction(async (trx) => {
      account.useTransaction(trx)
      account.merge({ ...input, fullName: input.fullName ?? null })
      if (password) account.password = password
      await account.save()
      await account.related('stations').sync(stationIds ?? [])
      await account.related('programs').sync(programIds ?? [])
    })
    // Whoever holds an old session, a thief included, logs in again; a stolen
    // API token does not outlive the password it was made with (the form
    // says so). Issue 12, #5.
    if (password) await revokeApiTokensOf(account)
    if (password || roleChanged) await endSessionsOf(account, ctx)
    ctx.session.flash('notice', ctx.i18n.t('staff.saved'))
    return ctx.response.redirect().back()
  }

  async destroy({ params, access, response, session, i18n }: HttpContext) {
    access.authorize(access.isAdmin, 'users')
    const account = await User.findOrFail(params.id)
    if (account.id === access.user.id) {
      session.flash('problem', i18n.t('staff.users.keep_admin'))
      return response.redirect().back()
    }
    await account.delete()
    await endSessionsOf(account)
    session.flash('notice', i18n.t('staff.deleted'))
    return response.redirect().toRoute('staff.users.index')
  }

  #taken(ctx: HttpContext) {
    ctx.session.flashExcept(['password'])
    ctx.session.flash('problem', ctx.i18n.t('staff.users.email_taken'))
    return ctx.response.redirect().back()
  }

  async #choices() {
    const stations = await Station.query().withScopes((s) => s.byDefault())
    const programs = await Program.query().preload('station').orderBy('station_id').orderBy('title')
    return { stations, programs }
  }
}
