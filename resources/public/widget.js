// Antenne's now-playing widget, for another site's page:
//
//   <script src="https://radio.example/widget.js" data-station="SLUG" async></script>
//
// It shows, where the script is (or in the element of `data-target`, a CSS
// selector), what the station has on air, and keeps it up to date: it reads
// /api/v1/now, then listens to the push (server-sent events on
// /__transmit/events, subscribed to now_playing/SLUG). Both are open to any
// origin (CORS) and take no cookie. Text only (no HTML from the server is
// ever parsed); style it with the classes antenne-now, antenne-now-diffusion,
// antenne-now-program and antenne-now-track.
//
// On subscribing, the widget is sent the state as it is now. When the
// stream drops, the browser reconnects by itself with the id of the last
// event it had (Last-Event-ID), and the widget subscribes again: it is sent
// the state only if it missed a change. Should the browser give up (an
// answer that is not an event stream, such as a proxy's 502 while Antenne
// restarts), a new stream is opened 1, 2, 4 … 60 s later.
;(function () {
  const script =
    document.currentScript ||
    document.querySelector('script[src*="widget.js"][data-station]:not([data-antenne-started])')
  if (!script || !window.EventSource || !window.fetch) return
  script.setAttribute('data-antenne-started', '')
  const station = script.dataset.station
  if (!station) return
  const antenne = new URL(script.src, document.baseURI).origin
  const channel = 'now_playing/' + station

  let box = script.dataset.target && document.querySelector(script.dataset.target)
  if (!box) {
    box = document.createElement('div')
    script.parentNode.insertBefore(box, script.nextSibling)
  }
  box.classList.add('antenne-now')
  box.setAttribute('aria-live', 'polite')
  box.dataset.state = 'loading'

  const line = (cls, text) => {
    const el = document.createElement('span')
    el.className = cls
    el.textContent = text
    return el
  }

  function render(now) {
    const nodes = []
    if (now.diffusion) {
      nodes.push(line('antenne-now-diffusion', now.diffusion.title))
      nodes.push(line('antenne-now-program', now.diffusion.program))
    }
    if (now.track) {
      const artist = now.track.artist ? ' — ' + now.track.artist : ''
      nodes.push(line('antenne-now-track', now.track.title + artist))
    }
    box.replaceChildren.apply(box, nodes)
  }

  function readNow() {
    return fetch(antenne + '/api/v1/now?station=' + encodeURIComponent(station))
      .then(function (response) {
        if (!response.ok) throw new Error('HTTP ' + response.status)
        return response.json()
      })
      .then(render)
  }

  const uid = () =>
    (crypto.randomUUID && crypto.randomUUID()) || String(Math.random()).slice(2) + Date.now()
  let failures = 0

  function listen() {
    const id = uid()
    const source = new EventSource(antenne + '/__transmit/events?uid=' + encodeURIComponent(id))
    // Also on each reconnection by the browser: the server forgot the subscription.
    source.addEventListener('open', function () {
      fetch(antenne + '/__transmit/subscribe', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ uid: id, channel: channel }),
      })
        .then(function (response) {
          if (!response.ok) throw new Error('HTTP ' + response.status)
          box.dataset.state = 'live'
          failures = 0
        })
        .catch(function () {
          source.close()
          retry()
        })
    })
    source.addEventListener('message', function (event) {
      const message = JSON.parse(event.data)
      if (message.channel !== channel) return
      box.dataset.eventId = event.lastEventId
      render(message.payload)
    })
    source.addEventListener('error', function () {
      box.dataset.state = 'offline'
      if (source.readyState === EventSource.CLOSED) retry()
    })
  }

  function retry() {
    setTimeout(listen, Math.min(60000, 1000 * Math.pow(2, failures++)))
  }

  // Shown at once, even where the push cannot come through.
  readNow().catch(function () {
    box.dataset.state = 'offline'
  })
  listen()
})()
