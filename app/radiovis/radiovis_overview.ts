/*
| A station's RadioVIS page in the CMS: its topics, what they say now, the
| receivers subscribed on the servers that reported lately, and the log of
| messages sent (newest first).
*/
import RadiovisMessage from '#models/radiovis_message'
import RadiovisServer from '#models/radiovis_server'
import type Station from '#models/station'
import { stationTopics } from '#radiovis/topics'

export async function radiovisOverview(station: Station, limit = 100) {
  const topics = station.radiovisTopic ? stationTopics(station.radiovisTopic) : null
  const servers = await RadiovisServer.query()
    .withScopes((s) => s.alive())
    .orderBy('name')
  const receivers = (topic: string) =>
    servers.reduce((sum, server) => sum + (server.topics[topic] ?? 0), 0)
  const log = await RadiovisMessage.query()
    .withScopes((s) => s.ofStation(station.slug))
    .orderBy('id', 'desc')
    .limit(limit)
  const current = (topic: string | undefined) => log.find((m) => m.topic === topic) ?? null
  return {
    topics,
    text: current(topics?.text),
    image: current(topics?.image),
    receivers: topics ? { text: receivers(topics.text), image: receivers(topics.image) } : null,
    servers,
    log,
  }
}
