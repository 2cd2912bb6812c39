/*
 * zhinan — progressive enhancement of the public pages.
 *
 * Every page works without this script: links navigate, forms submit.
 * When it runs, it adds:
 *   1. autocomplete on the search box (#q, #suggestions);
 *   2. filtering and paging of the results without a full reload;
 *   3. on a guide, the materials checklist survives a reload, and a
 *      print button in the ?print=1 view;
 *   4. the region chooser applies itself and keeps the citizen on the page;
 *   5. on a guide with situations (情形引导), an answer updates the
 *      applicant's checklist in place, and the address keeps the answers;
 *   6. on the edit form, the rows of a list are dragged into order.
 *
 * No dependency, no module, no inline code (the CSP forbids it). Text that
 * comes from the server is always set with textContent, never innerHTML.
 */
(function () {
  'use strict';

  var doc = document;

  // Runs fn, and keeps one broken feature from stopping the others.
  function safely(fn) {
    try {
      fn();
    } catch (e) {
      // The page still works without the enhancement.
    }
  }

  // Submits a form as if its submit button were pressed (submit handlers
  // and validation run), where the browser can.
  function submitForm(form) {
    if (typeof form.requestSubmit === 'function') {
      form.requestSubmit();
    } else {
      form.submit();
    }
  }

  // The IME is composing (Chinese input): keys belong to it, not to us.
  function composing(e) {
    return e.isComposing || e.keyCode === 229;
  }

  /* ------------------------------------------------ 1. autocomplete */

  function initSuggest() {
    var input = doc.getElementById('q');
    var list = doc.getElementById('suggestions');
    if (!input || !list || !input.form || !window.fetch) {
      return;
    }
    var form = input.form;
    var DELAY = 120; // ms of quiet typing before asking the server
    var MAX = 10; // options shown at most
    var timer = 0;
    var seq = 0; // number of the latest request; older answers are dropped
    var controller = null;
    var cache = Object.create(null); // query → suggestions
    var options = [];
    var active = -1;

    function isOpen() {
      return !list.hidden && options.length > 0;
    }

    function open() {
      list.hidden = false;
      input.setAttribute('aria-expanded', 'true');
    }

    function close() {
      setActive(-1);
      list.hidden = true;
      input.setAttribute('aria-expanded', 'false');
    }

    function setActive(i) {
      if (active >= 0 && options[active]) {
        options[active].setAttribute('aria-selected', 'false');
      }
      active = i;
      if (i < 0 || !options[i]) {
        active = -1;
        input.removeAttribute('aria-activedescendant');
        return;
      }
      var li = options[i];
      li.setAttribute('aria-selected', 'true');
      input.setAttribute('aria-activedescendant', li.id);
      // Keep the active option visible when the list scrolls.
      var top = li.offsetTop;
      var bottom = top + li.offsetHeight;
      if (top < list.scrollTop) {
        list.scrollTop = top;
      } else if (bottom > list.scrollTop + list.clientHeight) {
        list.scrollTop = bottom - list.clientHeight;
      }
    }

    // Writes name into li, the part that matches q in bold.
    function fill(li, name, q) {
      var at = name.toLowerCase().indexOf(q.toLowerCase());
      if (q === '' || at < 0) {
        li.textContent = name;
        return;
      }
      var b = doc.createElement('b');
      b.textContent = name.slice(at, at + q.length);
      li.appendChild(doc.createTextNode(name.slice(0, at)));
      li.appendChild(b);
      li.appendChild(doc.createTextNode(name.slice(at + q.length)));
    }

    function render(q, names) {
      setActive(-1);
      list.textContent = '';
      options = [];
      for (var i = 0; i < names.length && options.length < MAX; i++) {
        if (typeof names[i] !== 'string' || names[i] === '') {
          continue;
        }
        var li = doc.createElement('li');
        li.id = 'suggestion-' + options.length;
        li.setAttribute('role', 'option');
        li.setAttribute('aria-selected', 'false');
        li.setAttribute('data-value', names[i]);
        fill(li, names[i], q);
        list.appendChild(li);
        options.push(li);
      }
      if (options.length > 0) {
        open();
      } else {
        close();
      }
    }

    function request(q) {
      var mine = ++seq;
      if (controller) {
        controller.abort();
        controller = null;
      }
      if (q === '') {
        close();
        return;
      }
      if (cache[q]) {
        render(q, cache[q]);
        return;
      }
      var init = { headers: { Accept: 'application/json' }, credentials: 'same-origin' };
      if (window.AbortController) {
        controller = new AbortController();
        init.signal = controller.signal;
      }
      fetch('/api/v1/suggest?q=' + encodeURIComponent(q), init)
        .then(function (res) {
          if (!res.ok) {
            throw new Error('suggest: HTTP ' + res.status);
          }
          return res.json();
        })
        .then(function (data) {
          var names = data && Array.isArray(data.suggestions) ? data.suggestions : [];
          cache[q] = names;
          // Only the latest answer, and only while the citizen is still here.
          if (mine === seq && doc.activeElement === input && input.value.trim() === q) {
            render(q, names);
          }
        })
        .catch(function () {
          if (mine === seq) {
            close();
          }
        });
    }

    function schedule() {
      clearTimeout(timer);
      timer = setTimeout(function () {
        request(input.value.trim());
      }, DELAY);
    }

    function choose(li) {
      input.value = li.getAttribute('data-value') || li.textContent;
      close();
      submitForm(form);
    }

    input.addEventListener('input', function (e) {
      if (!e.isComposing) {
        schedule();
      }
    });
    input.addEventListener('compositionend', schedule);

    input.addEventListener('keydown', function (e) {
      if (composing(e)) {
        return;
      }
      var n = options.length;
      switch (e.key) {
        case 'ArrowDown':
        case 'Down':
          e.preventDefault();
          if (!isOpen()) {
            if (n > 0) {
              open();
              setActive(0);
            } else {
              request(input.value.trim());
            }
          } else {
            setActive(active + 1 < n ? active + 1 : 0);
          }
          break;
        case 'ArrowUp':
        case 'Up':
          if (isOpen()) {
            e.preventDefault();
            setActive(active > 0 ? active - 1 : n - 1);
          }
          break;
        case 'Enter':
          if (isOpen() && active >= 0) {
            e.preventDefault();
            choose(options[active]);
          } else {
            close(); // the form submits what was typed
          }
          break;
        case 'Escape':
        case 'Esc':
          if (isOpen()) {
            e.preventDefault(); // and keep the browser from clearing the box
            close();
          }
          break;
        case 'Tab':
          close();
          break;
      }
    });

    // Keep the focus in the box while an option is pressed, so that blur
    // does not close the list before the click lands.
    list.addEventListener('mousedown', function (e) {
      e.preventDefault();
    });
    list.addEventListener('click', function (e) {
      var li = e.target.closest ? e.target.closest('li[role="option"]') : null;
      if (li) {
        choose(li);
      }
    });

    input.addEventListener('blur', function () {
      clearTimeout(timer);
      // After any click on an option has been handled.
      setTimeout(close, 150);
    });
  }

  /* ---------------------------------- 2. results without a full reload */

  function initResults() {
    if (!doc.getElementById('results') || !window.fetch || !window.DOMParser ||
        !window.history || !history.pushState || !window.URL) {
      return;
    }
    // The pages that show #results; other links navigate as usual.
    var RESULT_PATH = /^\/(search|departments\/[^/]+|themes\/[^/]+|regions\/[^/]+)$/;
    var ZONES = '#results .facets, #results .chips.active, #results .pagination';
    var controller = null;
    var shown = withoutHash(location.href); // the URL whose results are on screen

    function withoutHash(href) {
      var i = href.indexOf('#');
      return i < 0 ? href : href.slice(0, i);
    }

    // Lets popstate recognise the entries whose results we render.
    history.replaceState({ zhinanResults: true }, '', location.href);

    function focusSummary(results) {
      var target = results.querySelector('.summary') || results.querySelector('.notice') ||
        results.querySelector('h1');
      if (!target) {
        return;
      }
      target.setAttribute('tabindex', '-1');
      target.focus();
    }

    function load(url, push) {
      var results = doc.getElementById('results');
      if (!results) {
        location.assign(url);
        return;
      }
      if (controller) {
        controller.abort();
      }
      var init = { headers: { Accept: 'text/html' }, credentials: 'same-origin' };
      if (window.AbortController) {
        controller = new AbortController();
        init.signal = controller.signal;
      }
      results.setAttribute('aria-busy', 'true');
      fetch(url, init)
        .then(function (res) {
          if (!res.ok) {
            throw new Error('results: HTTP ' + res.status);
          }
          return res.text().then(function (html) {
            return { html: html, url: res.url || url };
          });
        })
        .then(function (got) {
          var page = new DOMParser().parseFromString(got.html, 'text/html');
          var fresh = page.getElementById('results');
          if (!fresh) {
            throw new Error('results: no #results in the page');
          }
          var current = doc.getElementById('results');
          while (current.firstChild) {
            current.removeChild(current.firstChild);
          }
          var nodes = Array.prototype.slice.call(fresh.childNodes);
          for (var i = 0; i < nodes.length; i++) {
            current.appendChild(doc.importNode(nodes[i], true));
          }
          current.removeAttribute('aria-busy');
          if (page.title) {
            doc.title = page.title;
          }
          // The search box shows the query of the results.
          var q = doc.getElementById('q');
          var newQ = page.getElementById('q');
          if (q && newQ) {
            q.value = newQ.value;
          }
          if (push) {
            history.pushState({ zhinanResults: true }, '', got.url);
          }
          shown = withoutHash(location.href);
          focusSummary(current);
        })
        .catch(function (err) {
          if (err && err.name === 'AbortError') {
            return;
          }
          // Whatever went wrong, the ordinary page load still works.
          if (push) {
            location.assign(url);
          } else {
            location.reload();
          }
        });
    }

    doc.addEventListener('click', function (e) {
      if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) {
        return;
      }
      var a = e.target.closest ? e.target.closest('a[href]') : null;
      if (!a || !a.closest(ZONES) || (a.target && a.target !== '_self') || a.hasAttribute('download')) {
        return;
      }
      var url = new URL(a.href, location.href);
      if (url.origin !== location.origin || !RESULT_PATH.test(url.pathname) ||
          a.getAttribute('href').charAt(0) === '#') {
        return; // a place in this page, e.g. the filter sheet's 关闭
      }
      e.preventDefault();
      load(url.href, true);
    });

    window.addEventListener('popstate', function () {
      // Entries made by a #fragment link (the filter sheet, #filters) have
      // no state but are results pages of this document all the same.
      if (withoutHash(location.href) === shown) {
        return; // only the #fragment changed
      }
      load(location.href, false);
    });
  }

  /* ---------------------------------------------------- 3. the guide */

  // Ticked materials are kept for the session, per guide, so the checklist
  // survives a reload and carries over to the ?print=1 view.
  function initChecklist() {
    bindMaterials(doc.querySelector('table.materials'));
  }

  // Remembers the ticks of one materials table. The situation checklist
  // (5.) replaces the table when an answer changes: it binds the new one.
  function bindMaterials(table) {
    if (!table) {
      return;
    }
    var key = 'zhinan:materials:' + location.pathname;
    var boxes = Array.prototype.slice.call(table.querySelectorAll('input[type="checkbox"]'));
    var names = Object.create(null); // material name → rows of that name so far

    // A box is remembered by its material's name (and which of the rows of
    // that name it is), so that a tick survives an answer that adds or
    // removes other materials.
    var ids = boxes.map(function (box) {
      var row = box.closest('tr');
      var label = row ? row.querySelector('label') : null;
      var name = label ? label.textContent.trim() : box.id;
      names[name] = (names[name] || 0) + 1;
      return names[name] + ':' + name;
    });
    function idOf(box, i) {
      return ids[i];
    }

    function mark(box) {
      var row = box.closest('tr');
      if (row) {
        row.classList.toggle('checked', box.checked);
      }
    }

    var saved = null;
    try {
      saved = JSON.parse(window.sessionStorage.getItem(key) || '[]');
    } catch (e) {
      saved = null; // storage blocked: the boxes just are not remembered
    }
    boxes.forEach(function (box, i) {
      if (Array.isArray(saved)) {
        box.checked = saved.indexOf(idOf(box, i)) >= 0;
      }
      mark(box);
    });

    table.addEventListener('change', function (e) {
      var box = e.target;
      if (!box.matches || !box.matches('input[type="checkbox"]')) {
        return;
      }
      mark(box);
      // The ticks of materials this table does not show (another answer
      // to the situations) are kept.
      var ticked = [];
      try {
        ticked = JSON.parse(window.sessionStorage.getItem(key) || '[]');
      } catch (err) {
        ticked = [];
      }
      if (!Array.isArray(ticked)) {
        ticked = [];
      }
      ticked = ticked.filter(function (id) {
        return ids.indexOf(id) < 0;
      });
      boxes.forEach(function (b, i) {
        if (b.checked) {
          ticked.push(idOf(b, i));
        }
      });
      try {
        if (ticked.length > 0) {
          window.sessionStorage.setItem(key, JSON.stringify(ticked));
        } else {
          window.sessionStorage.removeItem(key);
        }
      } catch (err) {
        // Storage full or blocked: nothing to do.
      }
    });
  }

  // A wide table that scrolls sideways must be reachable by keyboard: it
  // becomes a focusable, named region while it overflows.
  function initTableScroll() {
    var wraps = doc.querySelectorAll('.table-wrap');
    if (wraps.length === 0) {
      return;
    }
    function update() {
      Array.prototype.forEach.call(wraps, function (wrap) {
        if (wrap.scrollWidth > wrap.clientWidth + 1) {
          var section = wrap.closest('section');
          var heading = section ? section.querySelector('h2') : null;
          wrap.setAttribute('tabindex', '0');
          wrap.setAttribute('role', 'region');
          // Named by the section's heading and the hint (layout.html),
          // so that the region's name differs from its section's.
          if (heading && heading.id) {
            wrap.setAttribute('aria-labelledby', heading.id + ' table-scroll-hint');
          }
        } else {
          wrap.removeAttribute('tabindex');
          wrap.removeAttribute('role');
          wrap.removeAttribute('aria-labelledby');
        }
      });
    }
    var timer = 0;
    window.addEventListener('resize', function () {
      clearTimeout(timer);
      timer = setTimeout(update, 200);
    });
    update();
  }

  function initPrint() {
    if (typeof window.print !== 'function') {
      return;
    }
    // Any element with data-print prints the page instead of following
    // its link; a link still works where this script does not run.
    doc.addEventListener('click', function (e) {
      var el = e.target.closest ? e.target.closest('[data-print]') : null;
      if (el && e.button === 0 && !e.metaKey && !e.ctrlKey && !e.shiftKey && !e.altKey) {
        e.preventDefault();
        window.print();
      }
    });
    // The ?print=1 view is a preview of the paper: give it a print button,
    // labelled like the link that led here.
    if (!doc.body.classList.contains('print-view') || doc.querySelector('.print-toolbar')) {
      return;
    }
    var link = doc.querySelector('.guide .actions a[href*="print=1"]');
    if (!link) {
      return;
    }
    var bar = doc.createElement('div');
    bar.className = 'print-toolbar';
    var button = doc.createElement('button');
    button.type = 'button';
    button.className = 'primary';
    button.setAttribute('data-print', '');
    button.textContent = link.textContent.trim();
    bar.appendChild(button);
    var header = doc.querySelector('.site-header');
    if (header && header.parentNode) {
      header.parentNode.insertBefore(bar, header);
    }
  }

  /* --------------------------------------------- 4. region chooser */

  function initRegion() {
    var form = doc.querySelector('form.region-form');
    var select = form ? form.querySelector('select') : null;
    if (!select) {
      return;
    }
    var next = form.querySelector('input[name="next"]');

    // Back to this very page (path and query) once the region is set.
    form.addEventListener('submit', function () {
      if (next) {
        next.value = location.pathname + location.search;
      }
    });

    // A pick with the mouse or a finger applies at once. Arrow keys on a
    // closed select change it one step at a time (and fire change on
    // Windows): there the choice applies on Enter or the 确定 button, so
    // browsing the list by keyboard does not reload the page.
    var byKeyboard = false;
    select.addEventListener('keydown', function (e) {
      if (composing(e)) {
        return;
      }
      if (e.key === 'Enter') {
        e.preventDefault();
        byKeyboard = false;
        submitForm(form);
      } else if (e.key !== 'Tab' && e.key !== 'Shift') {
        byKeyboard = true;
      }
    });
    select.addEventListener('mousedown', function () {
      byKeyboard = false;
    });
    select.addEventListener('touchstart', function () {
      byKeyboard = false;
    }, { passive: true });
    select.addEventListener('change', function () {
      if (byKeyboard) {
        return;
      }
      submitForm(form);
    });
  }

  /* ------------------------------------- 5. the situation checklist */

  // The form of a guide's situations is a plain GET form to the guide page
  // itself: without this script it loads the page of the answers. Here an
  // answer fetches that same page and puts its parts marked data-sit-swap
  // (the summary of the case, the links, the materials, steps, time and
  // fee) in place of ours; the form itself stays, with the focus in it.
  // The address takes the answers (replaceState), so that it can be
  // shared, printed or reloaded and gives the same checklist. The server
  // computes every checklist: the page and this script cannot disagree.
  function initSituations() {
    var form = doc.querySelector('form[data-sit-form]');
    if (!form || !window.fetch || !window.DOMParser || !window.FormData ||
        !window.history || !history.replaceState) {
      return;
    }
    var controller = null;
    var seq = 0; // number of the latest request; older answers are dropped

    // The page of the form's answers, as the browser would submit it.
    function target() {
      var parts = [];
      new FormData(form).forEach(function (value, name) {
        if (typeof value === 'string') {
          parts.push(encodeURIComponent(name) + '=' + encodeURIComponent(value));
        }
      });
      var path = (form.getAttribute('action') || location.pathname).split('#')[0];
      return path + (parts.length ? '?' + parts.join('&') : '');
    }

    function swap(page) {
      var fresh = page.querySelectorAll('[data-sit-swap]');
      if (fresh.length === 0) {
        throw new Error('situations: nothing to swap in the page');
      }
      Array.prototype.forEach.call(fresh, function (el) {
        var key = el.getAttribute('data-sit-swap');
        var cur = doc.querySelector('[data-sit-swap="' + key + '"]');
        if (!cur) {
          return;
        }
        // The children are replaced, not the element: a live region
        // (role=status) announces its new content.
        while (cur.firstChild) {
          cur.removeChild(cur.firstChild);
        }
        var nodes = Array.prototype.slice.call(el.childNodes);
        for (var i = 0; i < nodes.length; i++) {
          cur.appendChild(doc.importNode(nodes[i], true));
        }
        cur.className = el.className;
      });
      bindMaterials(doc.querySelector('table.materials'));
    }

    function update(focusCase) {
      var url = target();
      var mine = ++seq;
      if (controller) {
        controller.abort();
      }
      var init = { headers: { Accept: 'text/html' }, credentials: 'same-origin' };
      if (window.AbortController) {
        controller = new AbortController();
        init.signal = controller.signal;
      }
      form.setAttribute('aria-busy', 'true');
      fetch(url, init)
        .then(function (res) {
          if (!res.ok) {
            throw new Error('situations: HTTP ' + res.status);
          }
          return res.text();
        })
        .then(function (html) {
          if (mine !== seq) {
            return;
          }
          swap(new DOMParser().parseFromString(html, 'text/html'));
          form.removeAttribute('aria-busy');
          history.replaceState(history.state, '', url + location.hash);
          if (focusCase) {
            var box = doc.querySelector('[data-sit-swap="case"]');
            if (box) {
              box.setAttribute('tabindex', '-1');
              box.focus();
            }
          }
        })
        .catch(function (err) {
          if (err && err.name === 'AbortError') {
            return;
          }
          // Whatever went wrong, the ordinary page load still works.
          location.assign(url);
        });
    }

    form.addEventListener('change', function (e) {
      if (e.target && e.target.name && e.target.name.indexOf('s_') === 0) {
        update(false);
      }
    });
    form.addEventListener('submit', function (e) {
      e.preventDefault();
      update(true);
    });
  }

  /* ------------------------------------------- 6. edit form rows */

  // The rows of the edit form's lists (data-rows) move and go with buttons
  // that post the form (name="row"); the server draws the form again, and
  // saves nothing. Here a handle also drags a row to another place in its
  // list: the rows are numbered afresh, their controls' names and ids
  // too (materials.3.name → materials.1.name), so that the form posts the
  // order shown — what pressing 上移 and 下移 would give. The buttons stay
  // for the keyboard.
  function initRowDrag() {
    var lists = doc.querySelectorAll('form.guide-form [data-rows]');
    if (!lists.length || !('draggable' in doc.createElement('div'))) {
      return;
    }
    Array.prototype.forEach.call(lists, bindRows);
  }

  function rowsOf(list) {
    return Array.prototype.filter.call(list.children, function (el) {
      return el.hasAttribute('data-row');
    });
  }

  // Renames the controls of the rows of list after their new places.
  function renumberRows(list) {
    var key = list.getAttribute('data-rows');
    var fmt = list.getAttribute('data-legend') || '';
    var rows = rowsOf(list);
    var names = key + '.';
    var ids = 'f-' + key.replace(/\./g, '-') + '-';
    rows.forEach(function (row, j) {
      var i = row.getAttribute('data-index');
      var oldName = names + i + '.';
      var newName = names + j + '.';
      var oldID = ids + i + '-';
      var newID = ids + j + '-';
      var swap = function (v, from, to) {
        return v && v.indexOf(from) === 0 ? to + v.slice(from.length) : v;
      };
      Array.prototype.forEach.call(row.querySelectorAll('[name], [id], [for], [aria-describedby]'), function (el) {
        if (el.name && el.getAttribute('name') !== 'row') {
          el.setAttribute('name', swap(el.getAttribute('name'), oldName, newName));
        }
        ['id', 'for'].forEach(function (a) {
          if (el.hasAttribute(a)) {
            el.setAttribute(a, swap(el.getAttribute(a), oldID, newID));
          }
        });
        if (el.hasAttribute('aria-describedby')) {
          el.setAttribute('aria-describedby', el.getAttribute('aria-describedby').split(' ').map(function (x) {
            return swap(x, oldID, newID);
          }).join(' '));
        }
      });
      Array.prototype.forEach.call(row.querySelectorAll('button[name="row"]'), function (b) {
        var parts = b.value.split(':');
        if (parts.length === 3 && parts[1] === key) {
          b.value = parts[0] + ':' + key + ':' + j;
        }
        if (parts[0] === 'up') {
          b.disabled = j === 0;
        } else if (parts[0] === 'down') {
          b.disabled = j === rows.length - 1;
        }
      });
      var legend = fmt.replace('%d', String(j + 1));
      var title = row.querySelector('.row-title');
      if (title && fmt) {
        title.textContent = legend;
      }
      Array.prototype.forEach.call(row.querySelectorAll('.row-name'), function (el) {
        el.textContent = ' ' + legend;
      });
      row.setAttribute('data-index', String(j));
    });
  }

  function bindRows(list) {
    var dragging = null;
    var label = list.getAttribute('data-drag-label') || '';
    var clear = function () {
      rowsOf(list).forEach(function (r) {
        r.classList.remove('drop-before', 'drop-after');
      });
    };
    var after = function (row, e) {
      var box = row.getBoundingClientRect();
      return e.clientY > box.top + box.height / 2;
    };
    rowsOf(list).forEach(function (row, i) {
      row.setAttribute('data-index', String(i));
      var legend = row.querySelector('legend');
      if (legend) {
        var handle = doc.createElement('span');
        handle.className = 'drag-handle';
        handle.setAttribute('aria-hidden', 'true');
        handle.title = label;
        handle.textContent = '\u2630';
        legend.insertBefore(handle, legend.firstChild);
        // Only the handle starts a drag: text in the fields stays
        // selectable.
        handle.addEventListener('mousedown', function () {
          row.draggable = true;
        });
        handle.addEventListener('touchstart', function () {
          row.draggable = true;
        }, {passive: true});
      }
    });
    list.addEventListener('dragstart', function (e) {
      var row = e.target;
      if (!row || row.parentNode !== list || !row.hasAttribute('data-row')) {
        return;
      }
      dragging = row;
      row.classList.add('dragging');
      if (e.dataTransfer) {
        e.dataTransfer.effectAllowed = 'move';
        e.dataTransfer.setData('text/plain', row.getAttribute('data-index'));
      }
    });
    list.addEventListener('dragover', function (e) {
      var row = e.target && e.target.closest ? e.target.closest('[data-row]') : null;
      if (!dragging || !row || row.parentNode !== list) {
        return;
      }
      e.preventDefault();
      if (e.dataTransfer) {
        e.dataTransfer.dropEffect = 'move';
      }
      clear();
      if (row !== dragging) {
        row.classList.add(after(row, e) ? 'drop-after' : 'drop-before');
      }
    });
    list.addEventListener('drop', function (e) {
      var row = e.target && e.target.closest ? e.target.closest('[data-row]') : null;
      if (!dragging || !row || row.parentNode !== list) {
        return;
      }
      e.preventDefault();
      if (row !== dragging) {
        list.insertBefore(dragging, after(row, e) ? row.nextSibling : row);
        renumberRows(list);
      }
      clear();
    });
    list.addEventListener('dragend', function () {
      if (dragging) {
        dragging.classList.remove('dragging');
        dragging.draggable = false;
        dragging = null;
      }
      clear();
    });
  }

  function init() {
    safely(initSuggest);
    safely(initResults);
    safely(initChecklist);
    safely(initTableScroll);
    safely(initPrint);
    safely(initRegion);
    safely(initSituations);
    safely(initRowDrag);
  }

  if (doc.readyState === 'loading') {
    doc.addEventListener('DOMContentLoaded', init);
  } else {
    init();
  }
}());
