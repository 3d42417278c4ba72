// The CMS works without JavaScript; this adds what makes it quicker:
// confirmations, the live preview of a schedule's next dates, and moving
// tracklist rows with buttons.
;(function () {
  // A form with data-confirm asks first.
  document.addEventListener('submit', function (event) {
    const message = event.target.dataset && event.target.dataset.confirm
    if (message && !window.confirm(message)) event.preventDefault()
  })

  // Schedule forms: the next dates as the rule is typed, from the server's engine.
  document.querySelectorAll('form[data-preview]').forEach(function (form) {
    const list = form.querySelector('.preview .dates')
    let timer = null
    let asked = 0
    function refresh() {
      const params = new URLSearchParams()
      ;['date', 'endDate', 'time', 'timezone', 'duration', 'frequency', 'initialId'].forEach(function (name) {
        const field = form.elements[name]
        if (field && field.value) params.set(name, field.value)
      })
      const mine = ++asked
      fetch(form.dataset.preview + '?' + params, { headers: { accept: 'application/json' }, credentials: 'same-origin' })
        .then(function (r) { return r.json() })
        .then(function (answer) {
          if (mine !== asked) return
          list.replaceChildren()
          const lines = answer.errors.length ? answer.errors : answer.occurrences.map(function (o) { return o.local })
          lines.forEach(function (line) {
            const item = document.createElement('li')
            item.textContent = line
            if (answer.errors.length) item.className = 'error'
            list.appendChild(item)
          })
        })
        .catch(function () {})
    }
    form.addEventListener('input', function () { clearTimeout(timer); timer = setTimeout(refresh, 150) })
    form.addEventListener('change', refresh)
    if (!list.children.length) refresh()
  })

  // Tracklists: ↑ and ↓ move a row; positions are renumbered to match.
  document.querySelectorAll('form.tracklist tbody').forEach(function (body) {
    function renumber() {
      body.querySelectorAll('input.position').forEach(function (input, index) { input.value = index + 1 })
    }
    body.querySelectorAll('tr').forEach(function (row) {
      const cell = row.querySelector('.move')
      ;[['↑', -1], ['↓', 1]].forEach(function (pair) {
        const button = document.createElement('button')
        button.type = 'button'
        button.textContent = pair[0]
        button.setAttribute('aria-label', pair[1] < 0 ? 'up' : 'down')
        button.addEventListener('click', function () {
          const sibling = pair[1] < 0 ? row.previousElementSibling : row.nextElementSibling
          if (!sibling) return
          if (pair[1] < 0) body.insertBefore(row, sibling)
          else body.insertBefore(sibling, row)
          renumber()
        })
        cell.appendChild(button)
      })
    })
  })
})()
