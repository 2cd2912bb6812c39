/*
 * zhinan — progressive enhancement of the public pages.
 *
 * Every page works without this script: links navigate, forms submit.
 * When it runs, it adds:
 *   1. autocomplete on the search box (#q, #suggestions);
 *   2. filtering and paging of the results without a full reload;
 *   3. on a guide, the materials checklist survives a reload, and a
 *      print button in the ?print=1 view;
 *   4. the region chooser applies itself and keeps the citizen on the page.
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
      if (url.origin !== location.origin || !RESULT_PATH.test(url.pathname)) {
        return;
      }
      e.preventDefault();
      load(url.href, true);
    });

    window.addEventListener('popstate', function (e) {
      if (!e.state || !e.state.zhinanResults || withoutHash(location.href) === shown) {
        return; // e.g. only the #fragment changed
      }
      load(location.href, false);
    });
  }

  /* ---------------------------------------------------- 3. the guide */

  // Ticked materials are kept for the session, per guide, so the checklist
  // survives a reload and carries over to the ?print=1 view.
  function initChecklist() {
    var table = doc.querySelector('table.materials');
    if (!table) {
      return;
    }
    var key = 'zhinan:materials:' + location.pathname;
    var boxes = Array.prototype.slice.call(table.querySelectorAll('input[type="checkbox"]'));

    // A box is remembered by its place and its material's name, so that a
    // new edition of the guide does not inherit wrong ticks.
    function idOf(box, i) {
      var row = box.closest('tr');
      var label = row ? row.querySelector('label') : null;
      return i + ':' + (label ? label.textContent.trim() : box.id);
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
      var ticked = [];
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
          if (heading && heading.id) {
            wrap.setAttribute('aria-labelledby', heading.id);
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

  function init() {
    safely(initSuggest);
    safely(initResults);
    safely(initChecklist);
    safely(initTableScroll);
    safely(initPrint);
    safely(initRegion);
  }

  if (doc.readyState === 'loading') {
    doc.addEventListener('DOMContentLoaded', init);
  } else {
    init();
  }
}());
