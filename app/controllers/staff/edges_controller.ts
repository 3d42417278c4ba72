import type { HttpContext } from '@adonisjs/core/http'
import Edge from '#models/edge'
import Station from '#models/station'
import { InvalidArgumentException } from '#exceptions/domain'
import {
  addEdge,
  listEdges,
  regeneratePasswords,
  removeEdge,
  setEdgeActive,
  updateEdge,
  type EdgeInput,
  type EdgePasswords,
} from '#edges/edge_registry'
import { edgeFormValidator } from '#validators/edge'
import { validated } from '#controllers/staff/form'

const EDGES = 'edge relays'

/**
 * Edge relays: the admin's, like `edges:add|list|remove` (one registry for
 * both). Passwords are flashed once after they are made, like a new API
 * token, and never rendered again.
 */
export default class EdgesController {
  async index({ view, access }: HttpContext) {
    access.authorize(access.isAdmin, EDGES)
    return view.render('pages/staff/edges/index', { edges: await listEdges() })
  }

  async create({ view, access }: HttpContext) {
    access.authorize(access.isAdmin, EDGES)
    return view.render('pages/staff/edges/form', {
      edge: null,
      stations: await this.#stations(),
      stationSlugs: [],
    })
  }

  async store(ctx: HttpContext) {
    ctx.access.authorize(ctx.access.isAdmin, EDGES)
    const input = this.#input(await validated(ctx, edgeFormValidator))
    let added: { edge: Edge; passwords: EdgePasswords }
    try {
      added = await addEdge(input)
    } catch (error) {
      return this.#refused(ctx, error)
    }
    this.#showOnce(ctx, added.passwords)
    ctx.session.flash('notice', ctx.i18n.t('staff.saved'))
    return ctx.response.redirect().toRoute('staff.edges.show', { id: added.edge.id })
  }

  /** Its settings; its passwords only on the request right after they were made. */
  async show({ view, params, access }: HttpContext) {
    access.authorize(access.isAdmin, EDGES)
    const edge = await Edge.query().where('id', params.id).preload('stations').firstOrFail()
    return view.render('pages/staff/edges/form', {
      edge,
      stations: await this.#stations(),
      stationSlugs: edge.allStations ? [] : edge.stations.map((s) => s.slug),
    })
  }

  async update(ctx: HttpContext) {
    ctx.access.authorize(ctx.access.isAdmin, EDGES)
    const edge = await Edge.findOrFail(ctx.params.id)
    const input = this.#input(await validated(ctx, edgeFormValidator))
    try {
      await updateEdge(edge, input)
    } catch (error) {
      return this.#refused(ctx, error)
    }
    ctx.session.flash('notice', ctx.i18n.t('staff.saved'))
    return ctx.response.redirect().toRoute('staff.edges.show', { id: edge.id })
  }

  /** New passwords (a leaked one, a rebuilt edge): shown once, the edge's icecast.xml written again. */
  async regenerate(ctx: HttpContext) {
    ctx.access.authorize(ctx.access.isAdmin, EDGES)
    const edge = await Edge.findOrFail(ctx.params.id)
    this.#showOnce(ctx, await regeneratePasswords(edge))
    ctx.session.flash('notice', ctx.i18n.t('staff.edges.regenerated'))
    return ctx.response.redirect().toRoute('staff.edges.show', { id: edge.id })
  }

  async activate(ctx: HttpContext) {
    return this.#setActive(ctx, true)
  }

  async deactivate(ctx: HttpContext) {
    return this.#setActive(ctx, false)
  }

  async destroy({ params, access, response, session, i18n }: HttpContext) {
    access.authorize(access.isAdmin, EDGES)
    await removeEdge(await Edge.findOrFail(params.id))
    session.flash('notice', i18n.t('staff.deleted'))
    return response.redirect().toRoute('staff.edges.index')
  }

  async #setActive(ctx: HttpContext, active: boolean) {
    ctx.access.authorize(ctx.access.isAdmin, EDGES)
    const edge = await Edge.findOrFail(ctx.params.id)
    await setEdgeActive(edge, active)
    ctx.session.flash('notice', ctx.i18n.t('staff.saved'))
    return ctx.response.redirect().back()
  }

  /**
   * The form's switch and checkboxes as the registry reads them: "all
   * stations" ticked, or no station ticked, is an empty list (every active
   * station); otherwise the stations ticked.
   */
  #input(
    form: Awaited<ReturnType<typeof edgeFormValidator.validate>>
  ): EdgeInput & { stations: string[] } {
    const { allStations, active, stations, ...fields } = form
    return {
      ...fields,
      region: fields.region ?? null,
      publicUrl: fields.publicUrl ?? null,
      stations: allStations ? [] : (stations ?? []),
      active: active ?? false,
    }
  }

  #showOnce(ctx: HttpContext, passwords: EdgePasswords) {
    ctx.session.flash('edgePasswords', { ...passwords })
  }

  /** A duplicate name or an unknown station: back to the form, nothing saved. */
  #refused(ctx: HttpContext, error: unknown) {
    if (!(error instanceof InvalidArgumentException)) throw error
    ctx.session.flashAll()
    ctx.session.flash('problem', error.message)
    return ctx.response.redirect().back()
  }

  async #stations() {
    return Station.query().withScopes((s) => s.byDefault())
  }
}
