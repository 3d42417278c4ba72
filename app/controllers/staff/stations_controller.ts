import type { HttpContext } from '@adonisjs/core/http'
import db from '@adonisjs/lucid/services/db'
import Station from '#models/station'
import Output from '#models/output'
import { outputValidator } from '#validators/output'
import { stationValidator } from '#validators/station'
import { attempt, validated } from '#controllers/staff/form'
import { findOutputFor, findStationFor } from '#policies/find_for_staff'

const OUTPUTS = 'the outputs of this station'

/** Stations are the admin's; a station's outputs are its managers' too; hosts see none of it. */
export default class StationsController {
  async index({ view, access }: HttpContext) {
    access.authorize(access.seesStations, 'the stations')
    const stations = await access.visibleStations()
    for (const station of stations) await station.load('outputs')
    return view.render('pages/staff/stations/index', { stations })
  }

  async create({ view, access }: HttpContext) {
    access.authorize(access.isAdmin, 'stations')
    return view.render('pages/staff/stations/form', { station: null })
  }

  async store(ctx: HttpContext) {
    ctx.access.authorize(ctx.access.isAdmin, 'stations')
    const input = await validated(ctx, stationValidator)
    let station: Station | null = null
    const failed = await attempt(
      ctx,
      async () => (station = await this.#save(new Station(), input)),
      ctx.i18n.t('staff.saved')
    )
    return failed ?? ctx.response.redirect().toRoute('staff.stations.show', { id: station!.id })
  }

  async show({ view, params, access }: HttpContext) {
    access.authorize(access.seesStations, 'the stations')
    const station = await findStationFor(access, params.id, 'this station', (q) =>
      q.preload('outputs')
    )
    return view.render('pages/staff/stations/form', { station })
  }

  async update(ctx: HttpContext) {
    ctx.access.authorize(ctx.access.isAdmin, 'stations')
    const station = await Station.findOrFail(ctx.params.id)
    const input = await validated(ctx, stationValidator)
    return (
      (await attempt(ctx, () => this.#save(station, input), ctx.i18n.t('staff.saved'))) ??
      ctx.response.redirect().back()
    )
  }

  async storeOutput(ctx: HttpContext) {
    const station = await findStationFor(ctx.access, ctx.params.id, OUTPUTS)
    const input = await validated(ctx, outputValidator)
    await Output.create({
      ...input,
      adminUser: input.adminUser ?? null,
      adminPassword: input.adminPassword ?? null,
      listenUrl: input.listenUrl ?? null,
      stationId: station.id,
      active: input.active ?? false,
    })
    ctx.session.flash('notice', ctx.i18n.t('staff.saved'))
    return ctx.response.redirect().back()
  }

  async updateOutput(ctx: HttpContext) {
    const output = await findOutputFor(ctx.access, ctx.params.id, OUTPUTS)
    const input = await validated(ctx, outputValidator)
    // An empty password field keeps the stored one (it is never shown back).
    await output
      .merge({
        ...input,
        password: input.password ?? output.password,
        adminUser: input.adminUser ?? null,
        adminPassword: input.adminPassword ?? output.adminPassword,
        listenUrl: input.listenUrl ?? null,
        active: input.active ?? false,
      })
      .save()
    ctx.session.flash('notice', ctx.i18n.t('staff.saved'))
    return ctx.response.redirect().back()
  }

  async destroyOutput({ params, access, response, session, i18n }: HttpContext) {
    const output = await findOutputFor(access, params.id, OUTPUTS)
    await output.delete()
    session.flash('notice', i18n.t('staff.deleted'))
    return response.redirect().back()
  }

  /** One default station: marking one clears the others, in the same transaction. */
  async #save(station: Station, input: Awaited<ReturnType<typeof stationValidator.validate>>) {
    return db.transaction(async (trx) => {
      station.useTransaction(trx)
      station.merge({
        ...input,
        hosts: input.hosts ?? null,
        path: input.path ?? null,
        harborPort: input.harborPort ?? null,
        harborPassword:
          input.harborPassword ?? (station.$isPersisted ? station.harborPassword : null),
        radiovisTopic: input.radiovisTopic ?? null,
        radiovisText: input.radiovisText ?? null,
        radiovisImage: input.radiovisImage ?? null,
        language: input.language ?? null,
        podcastAuthor: input.podcastAuthor ?? null,
        podcastEmail: input.podcastEmail ?? null,
        isDefault: input.isDefault ?? false,
        active: input.active ?? false,
      })
      await station.save()
      if (station.isDefault)
        await trx.from('stations').whereNot('id', station.id).update({ is_default: false })
      return station
    })
  }
}
