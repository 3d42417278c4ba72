import router from '@adonisjs/core/services/router'
import type { HttpContext } from '@adonisjs/core/http'
import Event from '#models/event'
import EventSink from '#models/event_sink'
import EventDelivery from '#models/event_delivery'
import { eventSinkValidator, sinkCursorValidator } from '#validators/event_sink'
import { outboxEnd } from '#events/event_deliverer'
import { EVENT_LEVELS, EVENT_TYPES, isEventType } from '#events/event_types'
import { formatOptions } from '#events/sink_options'
import { validated } from '#controllers/staff/form'
import { pageNumber } from '#controllers/pagination'

/** Event sinks, their delivery log and the events themselves: the admin's. */
export default class EventsController {
  async index({ view, access, request }: HttpContext) {
    access.authorize(access.isAdmin, 'event sinks')
    const sinks = await EventSink.query().orderBy('name')
    const end = await outboxEnd()
    const qs = request.qs()
    const type = typeof qs.type === 'string' && isEventType(qs.type) ? qs.type : null
    const station = typeof qs.station === 'string' && qs.station ? qs.station.slice(0, 64) : null
    const recent = await Event.query()
      .if(type, (q) => q.where('type', type!))
      .if(station, (q) => q.where('station', station!))
      .orderBy('id', 'desc')
      .paginate(pageNumber(request), 50)
    recent
      .baseUrl(router.makeUrl('staff.events.index'))
      .queryString({ ...(type ? { type } : {}), ...(station ? { station } : {}) })
    return view.render('pages/staff/events/index', {
      sinks,
      end,
      recent,
      types: Object.keys(EVENT_TYPES),
      type,
      station,
    })
  }

  async create({ view, access }: HttpContext) {
    access.authorize(access.isAdmin, 'event sinks')
    return view.render('pages/staff/events/sink', {
      sink: null,
      deliveries: null,
      levels: EVENT_LEVELS,
      optionLines: '',
    })
  }

  async store(ctx: HttpContext) {
    ctx.access.authorize(ctx.access.isAdmin, 'event sinks')
    const input = await validated(ctx, eventSinkValidator)
    if (await EventSink.findBy('name', input.name)) return this.#taken(ctx)
    // A new sink gets what happens from now on.
    const sink = await EventSink.create({
      ...this.#fields(input),
      fromFile: false,
      cursor: await outboxEnd(),
      attempts: 0,
    })
    ctx.session.flash('notice', ctx.i18n.t('staff.saved'))
    return ctx.response.redirect().toRoute('staff.events.sinks.show', { id: sink.id })
  }

  /** A sink's settings and its delivery log, newest first. */
  async show({ view, params, access, request }: HttpContext) {
    access.authorize(access.isAdmin, 'event sinks')
    const sink = await EventSink.findOrFail(params.id)
    const deliveries = await EventDelivery.query()
      .where('sink_id', sink.id)
      .orderBy('id', 'desc')
      .paginate(pageNumber(request), 50)
    deliveries.baseUrl(router.makeUrl('staff.events.sinks.show', { id: sink.id }))
    return view.render('pages/staff/events/sink', {
      sink,
      deliveries,
      end: await outboxEnd(),
      levels: EVENT_LEVELS,
      optionLines: formatOptions(sink.options),
    })
  }

  async update(ctx: HttpContext) {
    ctx.access.authorize(ctx.access.isAdmin, 'event sinks')
    const sink = await EventSink.findOrFail(ctx.params.id)
    const input = await validated(ctx, eventSinkValidator)
    const other = await EventSink.findBy('name', input.name)
    if (other && other.id !== sink.id) return this.#taken(ctx)
    // An empty key field keeps the stored key (it is never shown back).
    await sink.merge({ ...this.#fields(input), key: input.key ?? sink.key }).save()
    ctx.session.flash('notice', ctx.i18n.t('staff.saved'))
    return ctx.response.redirect().back()
  }

  /** Sends again from an event id (after a sink lost data, or to replay history), retries reset. */
  async rewind(ctx: HttpContext) {
    ctx.access.authorize(ctx.access.isAdmin, 'event sinks')
    const sink = await EventSink.findOrFail(ctx.params.id)
    const { fromEventId } = await validated(ctx, sinkCursorValidator)
    await sink
      .merge({
        cursor: Math.max(0, fromEventId - 1),
        attempts: 0,
        nextAttemptAt: null,
        lastError: null,
      })
      .save()
    ctx.session.flash('notice', ctx.i18n.t('staff.events.rewound', { id: fromEventId }))
    return ctx.response.redirect().back()
  }

  async destroy({ params, access, response, session, i18n }: HttpContext) {
    access.authorize(access.isAdmin, 'event sinks')
    await (await EventSink.findOrFail(params.id)).delete()
    session.flash('notice', i18n.t('staff.deleted'))
    return response.redirect().toRoute('staff.events.index')
  }

  #fields(input: Awaited<ReturnType<typeof eventSinkValidator.validate>>) {
    return {
      name: input.name,
      url: input.url,
      key: input.key ?? null,
      minLevel: input.minLevel,
      only: input.only ?? null,
      except: input.except ?? null,
      options: input.options ?? {},
      timeoutMs: input.timeoutMs,
      maxAttempts: input.maxAttempts,
      batchSize: input.batchSize,
      active: input.active ?? false,
    }
  }

  #taken(ctx: HttpContext) {
    ctx.session.flashAll()
    ctx.session.flash('problem', ctx.i18n.t('staff.events.name_taken'))
    return ctx.response.redirect().back()
  }
}
