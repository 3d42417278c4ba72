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

/** The `<mount>` sections of a set of outputs: each mount and its fallback. */
export function mountSections(mounts: IcecastMount[]): string {
  return mounts
    .map((m) => {
      const fallback = fallbackMount(m.mount)
      return [
        `  <!-- ${xml(m.station)}: ${m.format} ${m.bitrate} kb/s; listeners wait on ${xml(fallback)} while Liquidsoap is away -->`,
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
