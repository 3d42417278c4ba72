/*
| Every command Antenne sends to a station's Liquidsoap, one method each, so
| that the commands live in one file beside the script that registers them
| (resources/liquidsoap/station.edge). Over telnet.ts's framing.
*/
import { LiquidsoapCommandException } from '#exceptions/domain'
import { parseStatus, type OnAirStatus } from '#streamer/on_air_status'
import {
  LiquidsoapClient,
  type LiquidsoapClientOptions,
  type ServerAddress,
} from '#streamer/telnet'

/** Longer than push_checked's own resolve timeout (10 s in the script). */
export const PUSH_TIMEOUT_MS = 12_000

export class StationControl {
  readonly client: LiquidsoapClient

  constructor(client: LiquidsoapClient) {
    this.client = client
  }

  static at(address: ServerAddress, options?: LiquidsoapClientOptions): StationControl {
    return new StationControl(new LiquidsoapClient(address, options))
  }

  /** `version`: answers once Liquidsoap is up. */
  version(): Promise<string> {
    return this.client.command('version')
  }

  /** `station.status`: the on-air state, one JSON line (the one question of a tick). */
  async status(): Promise<OnAirStatus> {
    return parseStatus(await this.client.raw('station.status'))
  }

  /** `station.release`: the rotation may go on air after a start-up hold. */
  async release(): Promise<void> {
    await this.client.command('station.release')
  }

  /** `dealer.gate`: the dealer may go on air from this instant (epoch ms). */
  async setGate(at: number): Promise<void> {
    await this.client.command('dealer.gate', (at / 1000).toFixed(3))
  }

  /** `dealer.push_checked`: queues a request that resolves and decodes; false when it does not. */
  async pushChecked(uri: string): Promise<boolean> {
    try {
      await this.client.command('dealer.push_checked', uri, PUSH_TIMEOUT_MS)
      return true
    } catch (error) {
      if (error instanceof LiquidsoapCommandException) return false
      throw error
    }
  }

  /** `dealer.queue` and `request.metadata`: the files queued on the dealer, at most `limit`. */
  async dealerQueue(limit = 20): Promise<string[]> {
    const ids = (await this.client.command('dealer.queue')).trim().split(/\s+/).filter(Boolean)
    const files: string[] = []
    for (const id of ids.slice(0, limit)) {
      const metadata = await this.client.command('request.metadata', id)
      files.push(
        /^filename="(.*)"$/m.exec(metadata)?.[1] ??
          /^initial_uri="(.*)"$/m.exec(metadata)?.[1] ??
          `request ${id}`
      )
    }
    return files
  }

  /** `<playlist>.reload`: a playlist reads its file again. */
  async reloadPlaylist(id: string): Promise<void> {
    await this.client.command(`${id}.reload`)
  }

  /** `station.title`: players show this title (and artist) from now on. */
  async setTitle(title: string, artist: string | null): Promise<void> {
    const words = [title, ...(artist ? [artist] : [])].map((w) => encodeURIComponent(w))
    await this.client.command('station.title', words.join(' '))
  }

  /** `station.lease`: the outputs may stay on until this instant (epoch ms), then stop by themselves. */
  async lease(until: number): Promise<void> {
    await this.client.command('station.lease', (until / 1000).toFixed(3))
  }

  /**
   * A standby takes over: its dealer emptied of what it queued while it led
   * before, then the script's takeover (a new instance to the monitor).
   */
  async takeover(): Promise<void> {
    await this.client.command('dealer.flush_and_skip')
    // The skip lands on the next frame: the monitor must not see the old request as what airs.
    for (let tries = 0; tries < 40; tries++) {
      const status = await this.status()
      if (status.active !== 'dealer' && status.dealerQueue === 0) break
      await new Promise((resolve) => setTimeout(resolve, 25))
    }
    await this.client.command('station.takeover')
  }

  /** `station.standby`: outputs off at once, the rotation held. */
  async standby(): Promise<void> {
    await this.client.command('station.standby')
  }

  /** Records the live input into this file (a new part if it was recording another). */
  async record(path: string): Promise<void> {
    await this.client.command('live.record', path)
  }

  async stopRecording(): Promise<void> {
    await this.client.command('live.record_stop')
  }

  /** `main.skip`: what is on air is skipped. */
  async skip(): Promise<void> {
    await this.client.command('main.skip')
  }

  close(): Promise<void> {
    return this.client.close()
  }
}
