import type { HttpContext } from '@adonisjs/core/http'
import { openApiDocument } from '#api/openapi'
import { docIntroduction, docOperations, docSchemas } from '#api/openapi_docs'

/** The same for every caller and every request: built once. */
const document = openApiDocument()
const introduction = docIntroduction(document)
const operations = docOperations(document)
const schemas = docSchemas(document)

/** The API's description: OpenAPI 3.1 for tools, a page for people. */
export default class ApiDocsController {
  async document({ response }: HttpContext) {
    response.header('cache-control', 'public, max-age=300')
    return document
  }

  async page({ view, response }: HttpContext) {
    response.header('cache-control', 'public, max-age=300')
    return view.render('pages/api/docs', {
      introduction,
      base: document.servers[0].url,
      operations,
      schemas,
    })
  }
}
