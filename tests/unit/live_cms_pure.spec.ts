import { test } from '@japa/runner'
import { isLiveRecording } from '#live/recorded_archives'
import { liveConnection, liveHostName } from '#live/live_connection'

test.group('Live recordings by their name', () => {
  test("Aircox's names with the program's slug, with or without a part number; no other name", ({
    assert,
  }) => {
    assert.isTrue(isLiveRecording('/p/archives/20300301_20h00_late-talk.mp3', 'late-talk'))
    assert.isTrue(isLiveRecording('/p/archives/20300301_20h00_late-talk_2.flac', 'late-talk'))
    assert.isTrue(isLiveRecording('/p/archives/20300301_20h00_late-talk.OGG', 'late-talk'))
    assert.isFalse(isLiveRecording('/p/archives/20300301_20h00_other.mp3', 'late-talk'))
    assert.isFalse(isLiveRecording('/p/archives/20300301_20h00_late-talk-2.mp3', 'late-talk'))
    assert.isFalse(isLiveRecording('/p/archives/20300301_late-talk.mp3', 'late-talk'))
    assert.isFalse(
      isLiveRecording('/p/archives/.20300301_20h00_late-talk.mp3.recording', 'late-talk')
    )
    assert.isFalse(isLiveRecording('/p/archives/20300301_20h00_late-talk.txt', 'late-talk'))
    // A slug is matched as text, not as a pattern.
    assert.isFalse(isLiveRecording('/p/archives/20300301_20h00_aXb.mp3', 'a.b'))
  })
})

test.group('How a source client connects', () => {
  test("the e-mail's @ is %40 in the icecast:// URL; without the key, KEY stands for it", ({
    assert,
  }) => {
    const shown = liveConnection('anne.host@radio.example', 'k3y_-Abc', 'radio.example', 8010)
    assert.equal(shown.user, 'anne.host@radio.example')
    assert.equal(shown.mount, '/live')
    assert.include(
      shown.ffmpeg,
      'icecast://anne.host%40radio.example:k3y_-Abc@radio.example:8010/live'
    )
    assert.include(
      liveConnection('a+b@radio.example', null, 'radio.example', 8010).ffmpeg,
      'icecast://a%2Bb%40radio.example:KEY@radio.example:8010/live'
    )
  })

  test("the server is the station's first host name, else the public site's", ({ assert }) => {
    assert.equal(
      liveHostName('radio.example  www.radio.example', 'https://site.example'),
      'radio.example'
    )
    assert.equal(liveHostName(null, 'https://site.example:8443/'), 'site.example')
    assert.equal(liveHostName('  ', 'http://127.0.0.1:3333'), '127.0.0.1')
  })
})
