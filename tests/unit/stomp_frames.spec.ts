/*
| STOMP framing for the RadioVIS server (app/radiovis/stomp_frames.ts):
| what clients send, cut anywhere, and what hostile bytes get.
*/
import { test } from '@japa/runner'
import {
  StompParser,
  StompProtocolError,
  encodeFrame,
  negotiateHeartbeat,
  negotiateVersion,
} from '#radiovis/stomp_frames'

const bytes = (text: string) => Buffer.from(text, 'utf8')

/** A CONNECT as @stomp/stompjs sends it, then a SUBSCRIBE to a RadioVIS topic with slashes. */
const CONNECT = 'CONNECT\naccept-version:1.2,1.1,1.0\nhost:/\nheart-beat:10000,10000\n\n\0'
const SUBSCRIBE = 'SUBSCRIBE\nid:sub-0\ndestination:/topic/fm/ce1/c479/09580/text\n\n\0'

test.group('STOMP frames', () => {
  test('a CONNECT and a SUBSCRIBE, whole or cut at every byte, give the same two frames', ({
    assert,
  }) => {
    const all = bytes(CONNECT + '\n' + SUBSCRIBE)
    for (let cut = 0; cut <= all.length; cut++) {
      const parser = new StompParser()
      const first = parser.feed(all.subarray(0, cut))
      const second = parser.feed(all.subarray(cut))
      const frames = [...first.frames, ...second.frames]
      assert.deepEqual(
        frames.map((f) => [f.command, f.headers]),
        [
          [
            'CONNECT',
            { 'accept-version': '1.2,1.1,1.0', 'host': '/', 'heart-beat': '10000,10000' },
          ],
          ['SUBSCRIBE', { id: 'sub-0', destination: '/topic/fm/ce1/c479/09580/text' }],
        ],
        `cut at ${cut}`
      )
      assert.equal(first.heartbeats + second.heartbeats, 1)
    }
  })

  test('CRLF line ends, bare EOLs as heart-beats, and the first of a repeated header wins', ({
    assert,
  }) => {
    const parser = new StompParser()
    const parsed = parser.feed(
      bytes('\r\n\nSUBSCRIBE\r\nid:1\r\nid:2\r\ndestination:/topic/x\r\n\r\n\0\r\n')
    )
    assert.equal(parsed.heartbeats, 3)
    assert.deepEqual(parsed.frames[0].headers, { id: '1', destination: '/topic/x' })
  })

  test('a body with a content-length may hold NUL bytes; without one it ends at the first NUL', ({
    assert,
  }) => {
    const parser = new StompParser()
    const { frames } = parser.feed(
      Buffer.concat([
        bytes('SEND\ndestination:/topic/a\ncontent-length:3\n\n'),
        Buffer.from([0x61, 0x00, 0x62, 0x00]),
        bytes('SEND\ndestination:/topic/a\n\nhello\0'),
      ])
    )
    assert.deepEqual(
      frames.map((f) => [...f.body]),
      [[0x61, 0x00, 0x62], [...bytes('hello')]]
    )
  })

  test('header escapes are read from 1.1 on, never in CONNECT', ({ assert }) => {
    const parser = new StompParser()
    const connect = parser.feed(bytes('CONNECT\nlogin:a\\cb\n\n\0')).frames[0]
    assert.equal(connect.headers.login, 'a\\cb')
    parser.version = '1.2'
    const sub = parser.feed(bytes('SUBSCRIBE\nid:x\\cy\\\\z\\n\ndestination:/t\n\n\0')).frames[0]
    assert.equal(sub.headers.id, 'x:y\\z\n')
    assert.throws(() => parser.feed(bytes('SUBSCRIBE\nid:\\t\n\n\0')), /undefined escape "\\t"/)
  })

  test('hostile input: an unknown command, a header without a name, oversize heads and bodies', ({
    assert,
  }) => {
    const refused = (input: Buffer | string, pattern: RegExp) =>
      assert.throws(
        () =>
          new StompParser({ headerBytes: 64, headers: 3, bodyBytes: 16 }).feed(
            typeof input === 'string' ? bytes(input) : input
          ),
        pattern
      )
    refused('GET / HTTP/1.1\nhost:x\n\n', /unknown command "GET \/ HTTP\/1\.1"/)
    refused('SEND\n:nameless\n\n\0', /a header without a name/)
    refused('SEND\na:1\nb:2\nc:3\nd:4\n\n\0', /more than 3 headers/)
    // Never ending headers: refused once past the limit, not kept forever.
    refused(`SEND\nx:${'y'.repeat(100)}`, /headers over 64 bytes/)
    refused('SEND\ncontent-length:17\n\n', /content-length "17" refused/)
    refused('SEND\ncontent-length:-1\n\n', /content-length "-1" refused/)
    refused(`SEND\n\n${'z'.repeat(17)}`, /body over 16 bytes/)
    refused('SEND\ncontent-length:1\n\nab\0', /does not end where content-length says/)
    assert.instanceOf(
      (() => {
        try {
          new StompParser().feed(bytes('NOPE\n\n\0'))
        } catch (error) {
          return error
        }
      })(),
      StompProtocolError
    )
  })

  test('an encoded frame reads back the same, escapes and UTF-8 included; CONNECTED is not escaped', ({
    assert,
  }) => {
    const frame = encodeFrame(
      'MESSAGE',
      {
        'destination': '/topic/fm/ce1/c479/09580/text',
        'message-id': 'a:b',
        'trigger-time': 'NOW',
      },
      'TEXT Café del Mar — Ibiza'
    )
    const parser = new StompParser()
    parser.version = '1.2'
    // MESSAGE is a server frame: read it back as the client's parser would.
    const { frames } = parser.feed(
      Buffer.from(frame.toString('latin1').replace('MESSAGE', 'SEND'), 'latin1')
    )
    assert.deepEqual(frames[0].headers, {
      'destination': '/topic/fm/ce1/c479/09580/text',
      'message-id': 'a:b',
      'trigger-time': 'NOW',
      'content-length': String(Buffer.byteLength('TEXT Café del Mar — Ibiza')),
    })
    assert.equal(frames[0].body.toString('utf8'), 'TEXT Café del Mar — Ibiza')
    assert.include(encodeFrame('CONNECTED', { server: 'a:b' }).toString(), 'server:a:b\n')
    assert.equal(
      encodeFrame('RECEIPT', { 'receipt-id': '7' }).toString(),
      'RECEIPT\nreceipt-id:7\n\n\0'
    )
  })

  test('version: the highest offered; none offered is 1.0; nothing in common is null', ({
    assert,
  }) => {
    assert.equal(negotiateVersion('1.0,1.1,1.2'), '1.2')
    assert.equal(negotiateVersion('1.1'), '1.1')
    assert.equal(negotiateVersion(undefined), '1.0')
    assert.isNull(negotiateVersion('2.0'))
  })

  test('heart-beats: the slower of what each side can do and wants; 0 on either side is none', ({
    assert,
  }) => {
    const server = { send: 10_000, expect: 10_000 }
    assert.deepEqual(negotiateHeartbeat('5000,20000', server), { send: 20_000, expect: 10_000 })
    assert.deepEqual(negotiateHeartbeat('0,0', server), { send: 0, expect: 0 })
    assert.deepEqual(negotiateHeartbeat(undefined, server), { send: 0, expect: 0 })
    assert.deepEqual(negotiateHeartbeat('30000,0', server), { send: 0, expect: 30_000 })
    assert.throws(() => negotiateHeartbeat('soon,1', server), StompProtocolError)
    assert.throws(() => negotiateHeartbeat('-1,0', server), /heart-beat "-1,0" refused/)
  })
})
