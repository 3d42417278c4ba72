/*
| RadioVIS topics (ETSI TS 101 499, after the RadioDNS lookup names of
| TS 103 270), pure: which destinations a receiver may subscribe to, and the
| one canonical form two spellings of a service share.
|
|   /topic/fm/<gcc>/<pi>/<frequency>/(text|image)      gcc: 3 hex, or a country code
|   /topic/dab/<gcc>/<eid>/<sid>/<scids>[/<uatype>]/(text|image)
|   /topic/drm/<sid>/…   /topic/amss/<sid>/…   /topic/hd/<cc>/<tx>/…
|   /topic/id/<fqdn>/<service identifier>/(text|image)
|
| A service's GCC is the first nibble of its PI (FM) or SId (DAB) followed by
| its country's ECC: `ce1` for a British PI `c479`. Receivers may write the
| ISO 3166 country code instead (`gb`); RadioVisServer kept a CC => GCC table
| (its TEST_ECC) so that both forms get the same messages. Antenne does the
| same with the ECC table of ETSI TS 101 756 for Europe (ECC E0 to E4).
*/

/** ECC → the country of each PI/SId first nibble (1–F), from ETSI TS 101 756 table D.1. */
const ECC_COUNTRIES: Record<string, string> = {
  e0: 'de dz ad il it be ru ps al at hu mt de - eg',
  e1: 'gr cy sm ch jo fi lu bg dk gi iq gb ly ro fr',
  e2: 'ma cz pl va sk sy tn - li is mc lt rs es no',
  e3: 'me ie tr mk - - - nl lv lb az hr kz se by',
  e4: 'md ee kg - - ua xk pt si am - ge - - ba',
}

/** `gb` + nibble `c` → `ce1`. */
const GCC_OF_COUNTRY = new Map<string, string>()
for (const [ecc, countries] of Object.entries(ECC_COUNTRIES)) {
  countries.split(' ').forEach((country, index) => {
    const nibble = (index + 1).toString(16)
    if (country !== '-') GCC_OF_COUNTRY.set(`${country}:${nibble}`, `${nibble}${ecc}`)
  })
}

/** The GCC of a service of this country whose PI/SId starts with `nibble`; null if unknown. */
export function gccOf(country: string, nibble: string): string | null {
  return GCC_OF_COUNTRY.get(`${country.toLowerCase()}:${nibble.toLowerCase()}`) ?? null
}

export type TopicLeaf = 'text' | 'image'

export interface Topic {
  /** Lower case, GCC form: the key messages are stored and matched by. */
  canonical: string
  /** The service part, without /topic/ and the leaf: `fm/ce1/c479/09580`. */
  service: string
  leaf: TopicLeaf
}

const HEX = (n: number | string) => new RegExp(`^[0-9a-f]{${n}}$`)
const GCC = HEX(3)
const CC = /^[a-z]{2}$/
const SERVICE_RULES: Record<string, RegExp[][]> = {
  // Frequency in units of 10 kHz, five digits: 09580 is 95.8 MHz.
  fm: [[/^(?:[0-9a-f]{3}|[a-z]{2})$/, HEX(4), /^\d{5}$/]],
  dab: [
    [/^(?:[0-9a-f]{3}|[a-z]{2})$/, HEX(4), /^(?:[0-9a-f]{4}|[0-9a-f]{8})$/, /^[0-9a-f]{1,3}$/],
    [
      /^(?:[0-9a-f]{3}|[a-z]{2})$/,
      HEX(4),
      /^(?:[0-9a-f]{4}|[0-9a-f]{8})$/,
      /^[0-9a-f]{1,3}$/,
      /^[0-9a-f]{3,4}$/,
    ],
  ],
  drm: [[HEX(6)]],
  amss: [[HEX(6)]],
  hd: [[HEX(3), HEX(5)]],
  id: [
    [/^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, /^[a-z0-9]{1,16}$/],
  ],
}

/**
 * The topic a destination names, or null when it is not a RadioVIS topic.
 * Case does not matter; a country code becomes the GCC when the table knows it.
 */
export function parseTopic(destination: string): Topic | null {
  if (destination.length > 255) return null
  const parts = destination.toLowerCase().split('/')
  // ['', 'topic', bearer, ...service, leaf]
  if (parts[0] !== '' || parts[1] !== 'topic' || parts.length < 5) return null
  const bearer = parts[2]
  const leaf = parts.at(-1)
  if (leaf !== 'text' && leaf !== 'image') return null
  const service = parts.slice(3, -1)
  const shapes = SERVICE_RULES[bearer]
  if (
    !shapes?.some(
      (rules) => rules.length === service.length && rules.every((r, i) => r.test(service[i]))
    )
  ) {
    return null
  }
  if ((bearer === 'fm' || bearer === 'dab') && CC.test(service[0])) {
    // The PI (FM) or SId (DAB) says which of the country's GCCs it is.
    const identifier = bearer === 'fm' ? service[1] : service[2]
    service[0] = gccOf(service[0], identifier[0]) ?? service[0]
  }
  if ((bearer === 'fm' || bearer === 'dab') && GCC.test(service[0])) {
    const identifier = bearer === 'fm' ? service[1] : service[2]
    // The GCC's first nibble is the identifier's: a mismatch is no service.
    if (service[0][0] !== identifier[0]) return null
  }
  const name = `${bearer}/${service.join('/')}`
  return { canonical: `/topic/${name}/${leaf}`, service: name, leaf }
}

/**
 * A station's configured topic base (`/topic/fm/ce1/c479/09580`, with or
 * without a trailing slash or leaf) as its two canonical destinations.
 */
export function stationTopics(base: string): Record<TopicLeaf, string> | null {
  const trimmed = base
    .trim()
    .replace(/\/+$/, '')
    .replace(/\/(text|image)$/i, '')
  const text = parseTopic(`${trimmed}/text`)
  const image = parseTopic(`${trimmed}/image`)
  return text && image ? { text: text.canonical, image: image.canonical } : null
}
