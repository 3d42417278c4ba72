// Live "now playing" for every box marked data-now-playing (the home page's,
// the player's line on every page): Transmit's server-sent events on
// now_playing/<station>. Without JavaScript the home page shows the same, as of its load.
//
// A web server that restarts has forgotten every subscription (Transmit keeps
// them in memory, per connection uid). So each connection gets its own uid and
// subscribes once open, and now playing is fetched again at once: what changed
// while the page was away is not pushed again. A failed connection is not left
// to the browser, which gives up for good on an answer that is not an event
// stream (a proxy's 502 during the restart): the page opens a new one itself,
// 0.5, 1, 2 … 15 s later, and counts again from 0.5 s once subscribed.
;(function () {
  const boxes = Array.prototype.slice.call(document.querySelectorAll('[data-now-playing]'))
  const box = boxes[0]
  if (!box || !window.EventSource) return
  const channel = 'now_playing/' + box.dataset.station
  let source = null
  let failures = 0
  let retry = null

  const text = (tag, value, cls) => { const el = document.createElement(tag); el.textContent = value; if (cls) el.className = cls; return el }

  function render(now) {
    boxes.forEach(function (each) { fill(each, now) })
  }

  function fill(target, now) {
    const track = text('p', '', 'track')
    if (now.track) {
      track.appendChild(text('strong', now.track.title))
      if (now.track.artist) track.appendChild(document.createTextNode(' — ' + now.track.artist))
    }
    const nodes = []
    if (now.diffusion) {
      const p = text('p', '', 'diffusion')
      if (now.live) {
        p.appendChild(text('span', target.dataset.liveLabel || 'Live', 'live'))
        p.appendChild(document.createTextNode(' '))
      }
      const a = text('a', now.diffusion.title)
      a.href = now.diffusion.url
      p.appendChild(a)
      p.appendChild(text('span', ' ' + now.diffusion.program, 'info'))
      nodes.push(p)
    }
    if (now.track) nodes.push(track)
    if (nodes.length) target.replaceChildren.apply(target, nodes)
  }

  function checked(response) {
    if (!response.ok) throw new Error('HTTP ' + response.status)
    return response
  }

  function connect() {
    const uid = (crypto.randomUUID && crypto.randomUUID()) || String(Math.random()).slice(2)
    const current = new EventSource('/__transmit/events?uid=' + encodeURIComponent(uid))
    source = current
    current.addEventListener('open', function () {
      fetch('/__transmit/subscribe', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ uid: uid, channel: channel }) })
        .then(checked)
        .then(function () { return fetch(box.dataset.now, { headers: { accept: 'application/json' } }) })
        .then(checked)
        .then(function (response) { return response.json() })
        .then(function (now) {
          if (source !== current) return
          render(now)
          failures = 0
          window.antenneNowPlayingReady = true
        })
        .catch(function () { if (source === current) reconnect() })
    })
    current.addEventListener('message', function (event) {
      const message = JSON.parse(event.data)
      if (message.channel === channel) render(message.payload)
    })
    current.addEventListener('error', function () { if (source === current) reconnect() })
  }

  function reconnect() {
    window.antenneNowPlayingReady = false
    source.close()
    source = null
    clearTimeout(retry)
    retry = setTimeout(connect, Math.min(15000, 500 * Math.pow(2, failures++)))
  }

  connect()
})()
