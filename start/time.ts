/*
| Luxon's default zone is UTC in every Antenne process, whatever the machine's
| TZ: the database stores UTC and each station's zone is applied explicitly at
| the edges. (Aircox forced UTC on its streamer process only, and its naive
| dates disagreed between the streamer and the web.)
*/
import { Settings } from 'luxon'

Settings.defaultZone = 'utc'
