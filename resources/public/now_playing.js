// Live "now playing" for the home page: Transmit's server-sent events on
// now_playing/<station>. Without JavaScript the page shows the same, as of its load.
;(function () {
  const box = document.getElementById('now-playing')
  if (!box || !window.EventSource) return
  const uid = (crypto.randomUUID && crypto.randomUUID()) || String(Math.random()).slice(2)
  const channel = 'now_playing/' + box.dataset.station
  const source = new EventSource('/__transmit/events?uid=' + encodeURIComponent(uid))
  const text = (tag, value, cls) => { const el = document.createElement(tag); el.textContent = value; if (cls) el.className = cls; return el }
  source.addEventListener('open', function () {
    fetch('/__transmit/subscribe', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ uid: uid, channel: channel }) })
      .then(function (r) { window.antenneNowPlayingReady = r.ok })
  })
  source.addEventListener('message', function (event) {
    const message = JSON.parse(event.data)
    if (message.channel !== channel) return
    const now = message.payload
    const track = text('p', '', 'track')
    if (now.track) {
      track.appendChild(text('strong', now.track.title))
      if (now.track.artist) track.appendChild(document.createTextNode(' — ' + now.track.artist))
    }
    const nodes = []
    if (now.diffusion) {
      const p = text('p', '', 'diffusion')
      const a = text('a', now.diffusion.title)
      a.href = now.diffusion.url
      p.appendChild(a)
      p.appendChild(text('span', ' ' + now.diffusion.program, 'info'))
      nodes.push(p)
    }
    if (now.track) nodes.push(track)
    if (nodes.length) box.replaceChildren.apply(box, nodes)
  })
})()
