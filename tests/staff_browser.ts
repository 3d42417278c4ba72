/*
| A browser as an attacker drives it: a cookie jar that can be copied and
| replayed, the staff forms posted with the CSRF token of the page they come
| from, and no redirect followed (the tests look at where it would go).
*/
export class StaffBrowser {
  readonly cookies = new Map<string, string>()

  constructor(
    readonly port: number,
    readonly headers: Record<string, string> = {}
  ) {}

  /** The Cookie header this browser sends, to copy into another one. */
  get cookieHeader() {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ')
  }

  /** A browser that sends exactly this Cookie header (a stolen or a forged one). */
  static withCookies(port: number, header: string) {
    const browser = new StaffBrowser(port)
    for (const pair of header.split(/;\s*/).filter(Boolean)) {
      const at = pair.indexOf('=')
      browser.cookies.set(pair.slice(0, at), pair.slice(at + 1))
    }
    return browser
  }

  async get(path: string) {
    return this.#send(path, { method: 'GET' })
  }

  /** Posts a form with the CSRF token of `from` (the page that shows the form). */
  async post(
    path: string,
    form: Record<string, string | string[]>,
    from = path,
    headers: Record<string, string> = {}
  ) {
    const page = await (await this.get(from)).text()
    const token = page.match(/name=['"]_csrf['"] value=['"]([^'"]+)['"]/)?.[1]
    if (!token) throw new Error(`no CSRF token on ${from}: ${page.slice(0, 300)}`)
    const body = new URLSearchParams({ _csrf: token })
    for (const [name, value] of Object.entries(form))
      for (const one of [value].flat()) body.append(name, one)
    return this.#send(path, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'referer': from, ...headers },
    })
  }

  async logIn(email: string, password: string, headers: Record<string, string> = {}) {
    return this.post('/staff/login', { email, password }, '/staff/login', headers)
  }

  async #send(path: string, init: RequestInit) {
    const response = await fetch(`http://127.0.0.1:${this.port}${path}`, {
      ...init,
      redirect: 'manual',
      headers: {
        ...this.headers,
        ...(init.headers as Record<string, string>),
        cookie: this.cookieHeader,
      },
    })
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';')
      const at = pair.indexOf('=')
      const name = pair.slice(0, at)
      const value = pair.slice(at + 1)
      if (value === '' || /max-age=0|expires=thu, 01 jan 1970/i.test(line))
        this.cookies.delete(name)
      else this.cookies.set(name, value)
    }
    return response
  }
}
