/*
| What Icecast must know of Antenne's mounts, as icecast.xml text (pure).
|
| Every mount Antenne streams to has a fallback mount, fed all the time by
| the streamer at the same format and bitrate (fallback_source.ts). When
| Liquidsoap goes, Icecast moves the connected listeners to the fallback
| instead of dropping them (`<fallback-mount>`), and back to the station when
| it returns (`<fallback-override>`): a crash costs seconds of silence, never
| the connection.
*/

export interface IcecastMount {
  mount: string
  password: string
  format: 'mp3' | 'ogg' | 'opus'
  bitrate: number
  /** The station's name, for the comment. */
  station: string
}

/** The fallback of a mount: `/demo.mp3` → `/demo-fallback.mp3`, `/live` → `/live-fallback`. */
export function fallbackMount(mount: string): string {
  const match = /^(.*?)(\.[a-z0-9]+)?$/i.exec(mount)!
  return `${match[1]}-fallback${match[2] ?? ''}`
}

export function contentType(format: IcecastMount['format']): string {
  return format === 'mp3' ? 'audio/mpeg' : 'application/ogg'
}

/** XML text content or attribute value. */
export function xml(value: string | number): string {
  return String(value)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
}

/** Text inside an XML comment, which may not hold `--` (a station named "A -- B"). */
export function xmlComment(value: string | number): string {
  return xml(value).replace(/-(?=-)/g, '- ')
}

/** The `<mount>` sections of a set of outputs: each mount and its fallback. */
export function mountSections(mounts: IcecastMount[]): string {
  return mounts
    .map((m) => {
      const fallback = fallbackMount(m.mount)
      return [
        `  <!-- ${xmlComment(m.station)}: ${m.format} ${m.bitrate} kb/s; listeners wait on ${xmlComment(fallback)} while Liquidsoap is away -->`,
        '  <mount type="normal">',
        `    <mount-name>${xml(m.mount)}</mount-name>`,
        '    <username>source</username>',
        `    <password>${xml(m.password)}</password>`,
        `    <fallback-mount>${xml(fallback)}</fallback-mount>`,
        '    <fallback-override>1</fallback-override>',
        '    <charset>UTF-8</charset>',
        '  </mount>',
        '  <mount type="normal">',
        `    <mount-name>${xml(fallback)}</mount-name>`,
        '    <username>source</username>',
        `    <password>${xml(m.password)}</password>`,
        '    <hidden>1</hidden>',
        '    <charset>UTF-8</charset>',
        '  </mount>',
      ].join('\n')
    })
    .join('\n')
}

/**
 * Icecast 2.4 sends a mount's ICY titles (mp3) in its `<charset>`, ISO-8859-1
 * unless told: Liquidsoap's UTF-8 (`charset=UTF-8` in its metadata update) is
 * converted to Latin-1, and players show `Mar�e Basse`. Each mount above says
 * UTF-8, but a mount Icecast has no block for (an output added after the
 * config was written, before `bin/icecast reload`) takes the default mount's.
 */
const DEFAULT_MOUNT = [
  '  <!-- Any other mount: titles in UTF-8, as Liquidsoap sends them -->',
  '  <mount type="default">',
  '    <charset>UTF-8</charset>',
  '  </mount>',
].join('\n')

export interface IcecastServer {
  port: number
  bindAddress: string
  hostname: string
  sourcePassword: string
  adminPassword: string
  /** Where its logs and pid file go. */
  dir: string
  /** Icecast refuses to run as root: it then drops to Debian's icecast2 user. */
  asRoot: boolean
}

/** A whole icecast.xml for a fresh server (Debian's paths), with the mounts. */
export function fullConfig(server: IcecastServer, mounts: IcecastMount[]): string {
  const security = server.asRoot
    ? '  <security><chroot>0</chroot><changeowner><user>icecast2</user><group>icecast</group></changeowner></security>\n'
    : ''
  return `<icecast>
  <location>Antenne</location>
  <admin>ops@localhost</admin>
  <hostname>${xml(server.hostname)}</hostname>
  <limits>
    <clients>1000</clients><sources>${Math.max(8, mounts.length * 2 + 4)}</sources><queue-size>524288</queue-size>
    <client-timeout>30</client-timeout><header-timeout>15</header-timeout><source-timeout>10</source-timeout>
    <burst-on-connect>1</burst-on-connect><burst-size>65535</burst-size>
  </limits>
  <authentication>
    <source-password>${xml(server.sourcePassword)}</source-password>
    <relay-password>${xml(server.sourcePassword)}</relay-password>
    <admin-user>admin</admin-user>
    <admin-password>${xml(server.adminPassword)}</admin-password>
  </authentication>
  <listen-socket><port>${server.port}</port><bind-address>${xml(server.bindAddress)}</bind-address></listen-socket>
  <fileserve>1</fileserve>
${DEFAULT_MOUNT}
${mountSections(mounts)}
  <paths>
    <basedir>/usr/share/icecast2</basedir>
    <logdir>${xml(server.dir)}/log</logdir>
    <webroot>/usr/share/icecast2/web</webroot>
    <adminroot>/usr/share/icecast2/admin</adminroot>
    <pidfile>${xml(server.dir)}/icecast.pid</pidfile>
  </paths>
  <logging><accesslog>access.log</accesslog><errorlog>error.log</errorlog><loglevel>2</loglevel></logging>
${security}</icecast>
`
}

/**
 * The last resort of an edge: a file in its own webroot, in the mount's
 * format, that Icecast plays (looped) to the listeners of a mount whose relay
 * and fallback relay are both gone (the origin's Icecast away): `/demo.mp3` →
 * `/demo-edge.mp3`. Icecast 2.4 moves them back once the relay returns.
 */
export function edgeFileMount(mount: string): string {
  const match = /^(.*?)(\.[a-z0-9]+)?$/i.exec(mount)!
  return `${match[1]}-edge${match[2] ?? ''}`
}

export interface EdgeServer {
  name: string
  port: number
  bindAddress: string
  hostname: string
  /** Its own source and relay password (the edge row's). */
  relayPassword: string
  adminUser: string
  adminPassword: string
  /** Its logs, pid file and webroot (`<dir>/web`, where the files of edgeFileMount go). */
  dir: string
  asRoot: boolean
}

/** Where an edge pulls a mount from: the origin as the edge reaches it. */
export interface RelayUpstream {
  host: string
  port: number
}

/**
 * Icecast retries a relay whose upstream is gone once, 2 s later, then only
 * at each master-update-interval (120 s by default): 5 s brings an edge's
 * listeners back from its local file soon after the origin returns.
 */
const EDGE_RETRY_SECONDS = 5

/**
 * A whole icecast.xml for an edge: each mount of the stations it relays and
 * its fallback twin pulled from the origin for ever (not on demand: the edge
 * is warm when listeners come), and local mounts that fall back as the
 * origin does. An origin blip costs the edge's listeners nothing:
 *   Liquidsoap gone  → the origin moves the edge's relay to its fallback;
 *   Icecast gone     → the edge moves them /m → /m-fallback → /m-edge (a local
 *                      file), and back with <fallback-override> when the relays return.
 */
export function edgeConfig(
  edge: EdgeServer,
  mounts: Array<IcecastMount & { upstream: RelayUpstream }>
): string {
  const security = edge.asRoot
    ? '  <security><chroot>0</chroot><changeowner><user>icecast2</user><group>icecast</group></changeowner></security>\n'
    : ''
  const relay = (mount: string, upstream: RelayUpstream) =>
    [
      '  <relay>',
      `    <server>${xml(upstream.host)}</server><port>${upstream.port}</port>`,
      `    <mount>${xml(mount)}</mount><local-mount>${xml(mount)}</local-mount>`,
      '    <on-demand>0</on-demand><relay-shoutcast-metadata>1</relay-shoutcast-metadata>',
      '  </relay>',
    ].join('\n')
  const sections = mounts
    .map((m) => {
      const fallback = fallbackMount(m.mount)
      const file = edgeFileMount(m.mount)
      return [
        `  <!-- ${xmlComment(m.station)}: ${m.format} ${m.bitrate} kb/s from ${xmlComment(m.upstream.host)}:${m.upstream.port} -->`,
        relay(m.mount, m.upstream),
        relay(fallback, m.upstream),
        '  <mount type="normal">',
        `    <mount-name>${xml(m.mount)}</mount-name>`,
        '    <username>source</username>',
        `    <password>${xml(edge.relayPassword)}</password>`,
        `    <fallback-mount>${xml(fallback)}</fallback-mount>`,
        '    <fallback-override>1</fallback-override>',
        '    <charset>UTF-8</charset>',
        '  </mount>',
        `  <!-- the origin's Icecast away: ${xmlComment(file)}, a file in ${xmlComment(edge.dir)}/web -->`,
        '  <mount type="normal">',
        `    <mount-name>${xml(fallback)}</mount-name>`,
        '    <username>source</username>',
        `    <password>${xml(edge.relayPassword)}</password>`,
        `    <fallback-mount>${xml(file)}</fallback-mount>`,
        '    <fallback-override>1</fallback-override>',
        '    <hidden>1</hidden>',
        '    <charset>UTF-8</charset>',
        '  </mount>',
      ].join('\n')
    })
    .join('\n')
  return `<icecast>
  <!-- Antenne edge "${xmlComment(edge.name)}", written by node ace icecast:config (edge ${xmlComment(edge.name)}) -->
  <location>Antenne edge ${xml(edge.name)}</location>
  <admin>ops@localhost</admin>
  <hostname>${xml(edge.hostname)}</hostname>
  <limits>
    <clients>1000</clients><sources>${Math.max(8, mounts.length * 3 + 4)}</sources><queue-size>524288</queue-size>
    <client-timeout>30</client-timeout><header-timeout>15</header-timeout><source-timeout>10</source-timeout>
    <burst-on-connect>1</burst-on-connect><burst-size>65535</burst-size>
  </limits>
  <authentication>
    <source-password>${xml(edge.relayPassword)}</source-password>
    <relay-password>${xml(edge.relayPassword)}</relay-password>
    <admin-user>${xml(edge.adminUser)}</admin-user>
    <admin-password>${xml(edge.adminPassword)}</admin-password>
  </authentication>
  <master-update-interval>${EDGE_RETRY_SECONDS}</master-update-interval>
  <listen-socket><port>${edge.port}</port><bind-address>${xml(edge.bindAddress)}</bind-address></listen-socket>
  <fileserve>1</fileserve>
${DEFAULT_MOUNT}
${sections}
  <paths>
    <basedir>/usr/share/icecast2</basedir>
    <logdir>${xml(edge.dir)}/log</logdir>
    <webroot>${xml(edge.dir)}/web</webroot>
    <adminroot>/usr/share/icecast2/admin</adminroot>
    <pidfile>${xml(edge.dir)}/icecast.pid</pidfile>
  </paths>
  <logging><accesslog>access.log</accesslog><errorlog>error.log</errorlog><loglevel>2</loglevel></logging>
${security}</icecast>
`
}
