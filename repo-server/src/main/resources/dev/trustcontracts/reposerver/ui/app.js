// Trust Contracts admin UI: one page, hash routes, the JSON API only.
// Everything from the repository (names, subjects, messages) is put in the page as text nodes, never as HTML.
'use strict';

(function () {
  const DAY = 86400000;
  const EXPIRING_DAYS = 30;
  const ENDING_SHOWN = 5;

  // The login lives in this page's memory only: a reload forgets it.
  const session = { user: null, auth: null, access: null };
  // A read-only mirror (trustctl repo-server --mirror-of) names its primary in /healthz: no write actions then.
  const server = { mirrorOf: null };
  let renderToken = 0;

  // ---- DOM helpers -------------------------------------------------------------------------------------

  /** el('td', {class: 'x', title: 't'}, 'text', childNode, ...): attributes are set, children are text or nodes. */
  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    if (attrs) {
      for (const [k, v] of Object.entries(attrs)) {
        if (v === null || v === undefined || v === false) continue;
        if (k === 'class') e.className = v;
        else if (k === 'onclick') e.addEventListener('click', v);
        else if (k === 'onchange') e.addEventListener('change', v);
        else if (k === 'onsubmit') e.addEventListener('submit', v);
        else if (k === 'hidden') e.hidden = true;
        else e.setAttribute(k, v === true ? '' : String(v));
      }
    }
    append(e, children);
    return e;
  }

  function append(parent, children) {
    for (const c of children) {
      if (c === null || c === undefined || c === false) continue;
      if (Array.isArray(c)) append(parent, c);
      else if (c instanceof Node) parent.appendChild(c);
      else parent.appendChild(document.createTextNode(String(c)));
    }
  }

  const $ = (id) => document.getElementById(id);

  function clear(node) {
    while (node.firstChild) node.removeChild(node.firstChild);
  }

  function link(hash, text, attrs) {
    return el('a', Object.assign({ href: hash }, attrs || {}), text);
  }

  function contractHref(name) {
    return '#/contracts/' + encodeURIComponent(name);
  }

  function zoneHref(hash) {
    return '#/zones/' + encodeURIComponent(hash);
  }

  function proposalHref(branch) {
    return '#/proposals/' + encodeURIComponent(branch);
  }

  function short(hash) {
    return hash ? hash.substring(0, 12) : '';
  }

  /** A fingerprint shown short, whole on hover and in the copy buffer. */
  function fingerprint(hash) {
    return el('code', { class: 'fp', title: hash }, short(hash) + '…');
  }

  function when(iso) {
    if (!iso) return '';
    const d = new Date(iso);
    if (isNaN(d.getTime())) return iso;
    return d.toISOString().replace('T', ' ').replace(/:\d\d(\.\d+)?Z$/, ' UTC');
  }

  function daysLeft(iso) {
    return Math.floor((Date.parse(iso) - Date.now()) / DAY);
  }

  function daysBadge(iso) {
    const d = daysLeft(iso);
    const expiring = d < EXPIRING_DAYS;
    return el('span', { class: 'badge ' + (expiring ? 'warn' : 'ok'), 'data-days': d },
      d < 0 ? 'expired' : d === 0 ? 'expires today' : d + (d === 1 ? ' day' : ' days'));
  }

  let flashedAt = 0;

  function flash(text, kind) {
    flashedAt = text ? Date.now() : 0;
    const f = $('flash');
    clear(f);
    if (!text) {
      f.hidden = true;
      return;
    }
    f.className = kind || 'info';
    append(f, [text]);
    f.hidden = false;
  }

  function problemList(items, cls) {
    return el('ul', { class: cls || 'problems' }, items.map((p) => el('li', null, typeof p === 'string' ? p : p.text)));
  }

  // ---- API ---------------------------------------------------------------------------------------------

  class ApiError extends Error {
    constructor(status, message, problems, body) {
      super(message);
      this.status = status;
      this.problems = problems || [];
      this.body = body || null;
    }
  }

  async function api(method, path, auth) {
    const headers = { Accept: 'application/json', 'X-Requested-With': 'XMLHttpRequest' };
    const a = auth || session.auth;
    if (a) headers.Authorization = a;
    let res;
    try {
      res = await fetch(path, { method, headers, credentials: 'omit', cache: 'no-store' });
    } catch (e) {
      throw new ApiError(0, 'the server cannot be reached (' + e.message + ')');
    }
    let body = null;
    try {
      body = await res.json();
    } catch (e) {
      body = null;
    }
    if (!res.ok) {
      throw new ApiError(res.status, (body && body.error) || res.status + ' ' + res.statusText,
        (body && body.problems) || [], body);
    }
    return body;
  }

  function basic(user, password) {
    const bytes = new TextEncoder().encode(user + ':' + password);
    let bin = '';
    bytes.forEach((b) => { bin += String.fromCharCode(b); });
    return 'Basic ' + btoa(bin);
  }

  // ---- session -----------------------------------------------------------------------------------------

  let afterLogin = null;

  function showSession() {
    $('whoami').textContent = session.user ? 'Logged in as ' + session.user
      + (session.access ? ' (' + session.access + ')' : '') : '';
    $('login-open').hidden = !!session.user;
    $('logout').hidden = !session.user;
  }

  function openLogin(reason, then) {
    afterLogin = then || null;
    $('login-error').hidden = true;
    $('login-panel').hidden = false;
    if (reason) flash(reason, 'info');
    $('login-user').focus();
  }

  async function submitLogin(ev) {
    ev.preventDefault();
    const user = $('login-user').value;
    const auth = basic(user, $('login-password').value);
    const button = $('login-submit');
    button.disabled = true;
    $('login-error').hidden = true;
    try {
      const who = await api('GET', '/api/whoami', auth);
      session.user = who.user;
      // what the server lets this user do: revoke and merge only contracts of these zones
      session.access = who.admin ? 'admin' : (who.zones && who.zones.length ? 'zones ' + who.zones.join(', ') : 'no zone');
      session.auth = auth;
      $('login-password').value = '';
      $('login-panel').hidden = true;
      showSession();
      flash('Logged in as ' + who.user + '.', 'ok');
      const then = afterLogin;
      afterLogin = null;
      if (then) then();
      else render();
    } catch (e) {
      const msg = e.status === 401
        ? 'Login failed: wrong user name or password.'
        : 'Login failed: ' + e.message;
      const err = $('login-error');
      err.textContent = msg;
      err.hidden = false;
    } finally {
      button.disabled = false;
    }
  }

  function logout() {
    session.user = null;
    session.access = null;
    session.auth = null;
    showSession();
    flash('Logged out.', 'info');
    render();
  }

  /** Runs action with a login, asking for one first when there is none. */
  function withLogin(reason, action) {
    if (session.auth) action();
    else openLogin(reason, action);
  }

  // ---- lists: search, sort and paging on the server ------------------------------------------------------
  // The URL is the list's state (#/contracts?q=..&sort=..&order=..&page=..): a list is linkable, and Back
  // returns to the previous search or page. The server pages, searches and sorts; the page shows one page.

  const LIST_SIZE = 50;
  const SEARCH_DELAY_MS = 250;

  /** A list's state from the route's query; keep names other parameters of the route (history's contract). */
  function listState(section, query, defaultSort, defaultOrder, keep) {
    const page = parseInt(query.get('page') || '1', 10);
    const order = query.get('order') || defaultOrder || 'asc';
    const kept = {};
    for (const k of keep || []) {
      if (query.get(k)) kept[k] = query.get(k);
    }
    return {
      section, defaultSort, defaultOrder: defaultOrder || 'asc', kept,
      q: query.get('q') || '',
      sort: query.get('sort') || defaultSort,
      order: order === 'desc' ? 'desc' : 'asc',
      page: page > 0 && page < 1e6 ? page : 1,
    };
  }

  /** The route of a list with some of its state changed. */
  function listHref(state, change) {
    const s = Object.assign({}, state, change || {});
    const q = new URLSearchParams(s.kept);
    if (s.q) q.set('q', s.q);
    if (s.sort && s.sort !== s.defaultSort) q.set('sort', s.sort);
    if (s.order !== s.defaultOrder) q.set('order', s.order);
    if (s.page > 1) q.set('page', String(s.page));
    const qs = q.toString();
    return '#/' + s.section + (qs ? '?' + qs : '');
  }

  /** The API request of a list's page. */
  function listApi(path, state, extra) {
    const q = new URLSearchParams({ size: String(LIST_SIZE), page: String(state.page), sort: state.sort, order: state.order });
    if (state.q) q.set('q', state.q);
    for (const [k, v] of Object.entries(extra || {})) q.set(k, v);
    return path + '?' + q.toString();
  }

  let listNow = null;

  /**
   * The search box of a list: typing waits for a pause, then changes the route (the first search adds a
   * history entry, refining it replaces that entry). The box is kept across the re-render it causes.
   */
  function searchBox(state, label) {
    listNow = state;
    const old = $('list-search');
    if (old && old.dataset.section === state.section) {
      // after Back or a link the box shows the route's search; text typed since the last search stays
      if (old.value.trim() === old.dataset.sent) old.value = state.q;
      old.dataset.sent = state.q;
      return old.closest('form');
    }
    const input = el('input', { type: 'search', id: 'list-search', 'data-section': state.section, placeholder: label,
      'aria-label': label, autocomplete: 'off', spellcheck: 'false', maxlength: '200' });
    input.value = state.q;
    input.dataset.sent = state.q;
    let timer = null;
    input.addEventListener('input', () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        const s = listNow;
        if (!s || s.section !== input.dataset.section) return;
        const href = listHref(s, { q: input.value.trim(), page: 1 });
        if (href === location.hash) return;
        input.dataset.sent = input.value.trim();
        if (s.q) {
          history.replaceState(null, '', href);
          render();
        } else {
          location.hash = href;
        }
      }, SEARCH_DELAY_MS);
    });
    return el('form', { class: 'list-search', role: 'search', onsubmit: (e) => e.preventDefault() }, input);
  }

  /** Where the search box's caret was, to put it back after the page is rebuilt. */
  function searchFocus() {
    const a = document.activeElement;
    if (!a || a.id !== 'list-search') return () => {};
    const at = a.selectionStart;
    return () => {
      const b = $('list-search');
      if (!b) return;
      b.focus();
      try { b.setSelectionRange(at, at); } catch (e) { /* not a text field */ }
    };
  }

  /** A column header; with a field, a link that sorts by it (again: the other way), with aria-sort. */
  function sortHeader(state, label, field) {
    if (!field) return el('th', { scope: 'col' }, label);
    const active = state.sort === field;
    const next = active && state.order === 'asc' ? 'desc' : 'asc';
    return el('th', { scope: 'col', 'data-sort': field,
      'aria-sort': active ? (state.order === 'asc' ? 'ascending' : 'descending') : 'none' },
    link(listHref(state, { sort: field, order: next, page: 1 }), label, { class: 'sort' }),
    active ? el('span', { class: 'arrow', 'aria-hidden': 'true' }, state.order === 'asc' ? ' ▲' : ' ▼') : null);
  }

  function number(n) {
    return n.toLocaleString('en-US');
  }

  /** "1–50 of 10,000" and links to the first, previous, next and last pages. */
  function pager(state, data, noun) {
    const from = data.total === 0 ? 0 : (data.page - 1) * data.size + 1;
    const to = Math.min(data.total, data.page * data.size);
    const count = data.total === 0
      ? (state.q ? 'No ' + noun + ' matches “' + state.q + '”' : 'None')
      : number(from) + '–' + number(to) + ' of ' + number(data.total) + (state.q ? ' matching “' + state.q + '”' : '');
    const go = (page, text, cls, enabled) => (enabled
      ? link(listHref(state, { page }), text, { class: cls })
      : el('span', { class: cls + ' disabled', 'aria-disabled': 'true' }, text));
    return el('nav', { class: 'pager', 'aria-label': noun + ' pages' },
      el('span', { class: 'count', role: 'status' }, count),
      el('span', { class: 'pages' },
        go(1, '« First', 'first', data.page > 1),
        go(data.page - 1, '‹ Previous', 'prev', data.page > 1),
        el('span', { class: 'pageno' }, 'page ' + number(data.page) + ' of ' + number(data.pages)),
        go(data.page + 1, 'Next ›', 'next', data.page < data.pages),
        go(data.pages, 'Last »', 'last', data.page < data.pages)));
  }

  /** The search box above a list's table and the pager, with the table between. */
  function listBlock(state, data, noun, label, table) {
    return el('div', { class: 'list', 'data-list': state.section },
      el('div', { class: 'list-bar' }, searchBox(state, label), pager(state, data, noun)),
      table,
      data.pages > 1 ? pager(state, data, noun) : null);
  }

  // ---- pages -------------------------------------------------------------------------------------------

  function page(title, ...children) {
    return [el('h1', null, title), ...children];
  }

  function setFooter(commit) {
    $('footer-commit').textContent = commit ? 'main at ' + short(commit) : '';
  }

  /** What ends soonest on main (contracts and roots), with the command that renews or rotates it. */
  function endingSoonest(data) {
    const items = data.endings.slice(0, ENDING_SHOWN);
    if (items.length === 0) return null;
    return el('section', { id: 'ending-soonest' },
      el('h2', null, 'Ending soonest'),
      el('ul', { class: 'plain ending' }, items.map((e) =>
        el('li', { 'data-kind': e.kind, 'data-name': e.name },
          daysBadge(e.endsAt), ' ',
          e.kind === 'contract'
            ? ['contract ', link(contractHref(e.name), e.name, { class: 'name' })]
            : ['root of ', link(zoneHref(e.fingerprint), e.name), ' ', fingerprint(e.fingerprint)],
          ' ends ', when(e.endsAt), ': ', el('code', { class: 'command' }, e.command)))));
  }

  async function contractsPage(query) {
    const state = listState('contracts', query, 'name');
    const [data, ending] = await Promise.all([api('GET', listApi('/api/contracts', state)),
      api('GET', '/api/expiring?size=' + ENDING_SHOWN)]);
    setFooter(data.commit);
    if (data.total === 0 && !state.q) {
      return page('Contracts', el('p', { class: 'empty' }, 'No contract is in force on main.'));
    }
    const expiring = data.expiring ? data.expiring.count : 0;
    const rows = data.contracts.map((c) => {
      const soon = daysLeft(c.effectiveExpiry) < EXPIRING_DAYS;
      const signed = new Map(c.signatures.map((s) => [s.participant, s]));
      return el('tr', { 'data-contract': c.name, class: soon ? 'expiring' : null },
        el('td', null, link(contractHref(c.name), c.name, { class: 'name' })),
        el('td', null, el('ul', { class: 'plain' }, c.participants.map((p) =>
          el('li', null, link(zoneHref(p.hash), p.name), ' ', fingerprint(p.hash))))),
        el('td', { class: 'nowrap' }, when(c.notBefore), el('br'), '→ ', when(c.notAfter)),
        el('td', { title: 'effective expiry ' + c.effectiveExpiry }, daysBadge(c.effectiveExpiry)),
        el('td', null, el('ul', { class: 'plain' }, c.participants.map((p) => {
          const s = signed.get(p.name);
          return el('li', null, el('span', { class: 'who' }, p.name + ': '), s ? s.signer || '(signed)' : '—');
        }))));
    });
    if (rows.length === 0) rows.push(el('tr', null, el('td', { colspan: '5', class: 'empty' }, 'No contract matches.')));
    const total = state.q ? null : data.total;
    return page('Contracts',
      el('p', { class: 'summary' }, total === null ? null : number(total) + (total === 1 ? ' contract' : ' contracts') + ' in force on main',
        expiring ? [total === null ? null : ', ', el('strong', { class: 'warn-text', id: 'expiring-count' },
          number(expiring) + ' expiring within ' + EXPIRING_DAYS + ' days')] : null, total === null && !expiring ? null : '.'),
      endingSoonest(ending),
      listBlock(state, data, 'contract', 'Search by contract, zone or fingerprint',
        el('table', { id: 'contracts-table' },
          el('thead', null, el('tr', null, sortHeader(state, 'Contract', 'name'), sortHeader(state, 'Participants'),
            sortHeader(state, 'Window', 'notBefore'), sortHeader(state, 'Left', 'expiry'), sortHeader(state, 'Signers'))),
          el('tbody', null, rows))));
  }

  function certTable(info) {
    if (!info || info.error) return el('p', { class: 'error' }, (info && info.error) || 'no certificate');
    return el('dl', { class: 'cert' },
      el('dt', null, 'Subject'), el('dd', { class: 'subject' }, info.subject),
      el('dt', null, 'Issuer'), el('dd', null, info.issuer),
      el('dt', null, 'Valid'), el('dd', null, when(info.notBefore), ' → ', when(info.notAfter)),
      el('dt', null, 'SHA-256'), el('dd', null, el('code', { class: 'fp-full' }, info.fingerprint)),
      el('dt', null, 'Key'), el('dd', { class: 'key' }, (info.key || info.keyAlgorithm) + (info.ca ? ', CA' : '') + ', serial ' + info.serial));
  }

  function commitBlock(ev) {
    if (!ev) return el('p', { class: 'muted' }, 'Not found in the last commits of main.');
    return el('div', { class: 'commit', id: 'added-in' },
      el('div', null, el('code', { title: ev.commit }, short(ev.commit)), ' ', el('span', { class: 'subject' }, ev.subject)),
      el('div', { class: 'muted' }, 'authored by ', ev.author.name, ' <', ev.author.email, '> at ', when(ev.author.at)),
      ev.mainUpdate ? el('div', { class: 'muted' }, 'reached main by ', el('strong', null, ev.mainUpdate.user),
        ' at ', when(ev.mainUpdate.at), ' (', ev.mainUpdate.message, ')') : null);
  }

  async function contractPage(name) {
    let data;
    try {
      data = await api('GET', '/api/contracts/' + encodeURIComponent(name));
    } catch (e) {
      if (e.status === 410 && e.body && e.body.revoked) return revokedPage(e.body);
      throw e;
    }
    setFooter(data.commit);
    const c = data.contract;
    const byParticipant = new Map(c.signatures.map((s) => [s.participant, s]));
    const revoke = el('section', { class: 'danger-zone', id: 'revoke' },
      el('h2', null, 'Revoke'),
      el('p', null, 'Revoking deletes ', el('code', null, c.path), ' on main in a new commit. Every zone drops the ' +
        'other participants\' roots at its next pull, and agents never trust this contract id again.'));
    const start = el('button', { type: 'button', class: 'danger', id: 'revoke-button' }, 'Revoke…');
    if (server.mirrorOf) {
      // on a mirror the page shows where to revoke instead of a button that could only be refused
      revoke.appendChild(el('p', { class: 'muted', id: 'revoke-on-primary' }, 'This server is a read-only mirror: '
        + 'revoke on the primary, ', el('code', null, server.mirrorOf), '.'));
    } else {
      revoke.appendChild(start);
    }
    start.addEventListener('click', () => withLogin('Log in to revoke ' + c.name + '.', () => {
      start.hidden = true;
      const input = el('input', { id: 'revoke-confirm-input', autocomplete: 'off', spellcheck: 'false' });
      const go = el('button', { type: 'button', class: 'danger', id: 'revoke-confirm-button', disabled: true },
        'Revoke ' + c.name + ' now');
      const cancel = el('button', { type: 'button', id: 'revoke-cancel' }, 'Cancel');
      const err = el('div', { class: 'error', id: 'revoke-error', hidden: true });
      input.addEventListener('input', () => { go.disabled = input.value !== c.name; });
      cancel.addEventListener('click', () => { box.remove(); start.hidden = false; });
      go.addEventListener('click', async () => {
        go.disabled = true;
        try {
          const r = await api('DELETE', '/api/contracts/' + encodeURIComponent(c.name));
          flash('Revoked ' + c.name + ': ' + r.path + ' deleted in commit ' + short(r.commit) + '.', 'ok');
          location.hash = '#/contracts';
        } catch (e) {
          err.textContent = 'Revocation refused: ' + e.message;
          err.appendChild(problemList(e.problems));
          err.hidden = false;
          go.disabled = false;
        }
      });
      const box = el('div', { class: 'confirm', id: 'revoke-confirm' },
        el('label', null, 'Type the contract name ', el('code', null, c.name), ' to confirm: ', input),
        el('div', { class: 'actions' }, go, cancel), err);
      revoke.appendChild(box);
      input.focus();
    }));

    return page('Contract ' + c.name,
      el('dl', { class: 'facts' },
        el('dt', null, 'File'), el('dd', null, el('code', null, c.path)),
        el('dt', null, 'Id'), el('dd', null, el('code', null, c.id)),
        el('dt', null, 'Window'), el('dd', null, when(c.notBefore), ' → ', when(c.notAfter)),
        el('dt', null, 'Effective expiry'), el('dd', { id: 'effective-expiry' }, when(c.effectiveExpiry), ' ',
          daysBadge(c.effectiveExpiry), c.effectiveExpiry !== c.notAfter
            ? el('span', { class: 'muted' }, ' (a root or signer certificate ends before not_after)') : null),
        el('dt', null, 'Added in'), el('dd', null, commitBlock(data.addedIn))),
      el('h2', null, 'Participants'),
      el('div', { class: 'cards', id: 'participants' }, c.participants.map((p) => {
        const s = byParticipant.get(p.name);
        const signer = s && s.chain && s.chain.length ? s.chain[0] : null;
        return el('article', { class: 'card', 'data-participant': p.name },
          el('h3', null, link(zoneHref(p.hash), p.name), p.trustDomain ? el('span', { class: 'muted' }, ' ' + p.trustDomain) : null),
          el('h4', null, 'Root certificate'),
          certTable(p.certificateInfo),
          el('h4', null, 'Signature'),
          s ? el('div', { class: 'signature' },
            el('p', null, 'Signed at ', when(s.signedAt), ' with ', s.algorithm, ' by'),
            certTable(signer))
            : el('p', { class: 'error' }, 'no signature'));
      })),
      el('details', null, el('summary', null, 'Contract file (YAML)'), el('pre', { class: 'yaml' }, c.yaml)),
      el('p', null, link('#/history?contract=' + encodeURIComponent(c.name), 'History of this contract')),
      revoke);
  }

  async function zonesPage(hash, query) {
    return hash ? zonePage(hash) : zoneListPage(query);
  }

  async function zoneListPage(query) {
    const state = listState('zones', query, 'name');
    const data = await api('GET', listApi('/api/zones', state));
    setFooter(data.commit);
    if (data.total === 0 && !state.q) {
      return page('Zones', el('p', { class: 'empty' }, 'No zone takes part in a contract on main.'));
    }
    const rows = data.zones.map((z) => el('tr', { 'data-zone': z.name, 'data-hash': z.hash },
      el('td', null, link(zoneHref(z.hash), z.names.join(' / '), { class: 'name' })),
      el('td', null, fingerprint(z.hash)),
      el('td', null, number(z.contractCount)),
      el('td', null, z.trusts.length + ': ' + z.trusts.map((t) => t.name).join(', '))));
    if (rows.length === 0) rows.push(el('tr', null, el('td', { colspan: '4', class: 'empty' }, 'No zone matches.')));
    return page('Zones',
      el('p', { class: 'summary' }, 'Every root that takes part in a valid contract on main; pick one to see whom it trusts.'),
      listBlock(state, data, 'zone', 'Search by zone, trust domain or fingerprint',
        el('table', { id: 'zones-table' },
          el('thead', null, el('tr', null, sortHeader(state, 'Zone', 'name'), sortHeader(state, 'Root fingerprint', 'hash'),
            sortHeader(state, 'Contracts', 'contracts'), sortHeader(state, 'Trusts', 'trusts'))),
          el('tbody', null, rows))));
  }

  async function zonePage(hash) {
    const data = await api('GET', '/api/zones/' + encodeURIComponent(hash));
    setFooter(data.commit);
    const zone = data.zone;
    return page('Zones', el('p', null, link('#/zones', '← All zones')),
      el('section', { id: 'zone' },
        el('h2', null, zone.names.join(' / ')),
        el('p', null, 'Root ', el('code', { class: 'fp-full' }, zone.hash)),
        el('p', null, zone.trusts.length + (zone.trusts.length === 1 ? ' zone' : ' zones') +
          ' trusted through ' + zone.contracts.length + (zone.contracts.length === 1 ? ' contract' : ' contracts') + '.'),
        el('table', { id: 'trusts-table' },
          el('thead', null, el('tr', null, ['Trusts zone', 'Root fingerprint', 'Trust domain', 'Through'].map((h) => el('th', null, h)))),
          el('tbody', null, zone.trusts.map((t) => el('tr', { 'data-zone': t.name },
            el('td', null, link(zoneHref(t.hash), t.name)),
            el('td', null, fingerprint(t.hash)),
            el('td', null, t.trustDomain || '—'),
            el('td', null, t.contracts.map((n, i) => [i ? ', ' : '', link(contractHref(n), n)]))))))));
  }

  async function proposalsPage(query) {
    const state = listState('proposals', query, 'branch');
    const [data, merged] = await Promise.all([api('GET', listApi('/api/proposals', state, { state: 'open' })),
      api('GET', '/api/proposals?state=merged&size=1')]);
    const summary = el('p', { class: 'summary' }, 'Branches not on main. Push a branch with a contract file; every participant ' +
      'signs it there; it merges when fully valid.' + (merged.total ? ' ' + merged.total + ' merged branches are not shown.' : ''));
    if (data.total === 0 && !state.q) {
      return page('Proposals', summary, el('p', { class: 'empty' }, 'No open proposal: every branch is on main.'));
    }
    const rows = data.proposals.map((p) => el('tr', { 'data-branch': p.branch },
      el('td', null, link(proposalHref(p.branch), p.branch)),
      el('td', null, el('code', { title: p.commit }, short(p.commit)), ' ', p.subject,
        el('div', { class: 'muted' }, when(p.committedAt))),
      el('td', null, p.author)));
    if (rows.length === 0) rows.push(el('tr', null, el('td', { colspan: '3', class: 'empty' }, 'No proposal matches.')));
    return page('Proposals', summary,
      listBlock(state, data, 'proposal', 'Search by branch, subject or author',
        el('table', { id: 'proposals-table' },
          el('thead', null, el('tr', null, sortHeader(state, 'Branch', 'branch'), sortHeader(state, 'Last commit', 'updated'),
            sortHeader(state, 'Author', 'author'))),
          el('tbody', null, rows))));
  }

  function diffView(text) {
    const pre = el('pre', { class: 'diff' });
    for (const line of text.split('\n')) {
      let cls = null;
      if (line.startsWith('+++') || line.startsWith('---') || line.startsWith('diff ') || line.startsWith('index ')
        || line.startsWith('new file') || line.startsWith('deleted file')) cls = 'meta';
      else if (line.startsWith('@@')) cls = 'hunk';
      else if (line.startsWith('+')) cls = 'add';
      else if (line.startsWith('-')) cls = 'del';
      pre.appendChild(el('span', { class: cls }, line + '\n'));
    }
    return pre;
  }

  async function proposalPage(branch) {
    const p = await api('GET', '/api/proposals/' + branch.split('/').map(encodeURIComponent).join('/'));
    setFooter(p.main);
    const status = p.mergedIntoMain ? el('span', { class: 'badge ok' }, 'merged')
      : p.mergeable ? el('span', { class: 'badge ok', id: 'proposal-status' }, 'ready to merge')
        : p.acceptable ? el('span', { class: 'badge warn', id: 'proposal-status' }, 'waiting for signatures')
          : el('span', { class: 'badge bad', id: 'proposal-status' }, 'invalid');
    const actions = el('div', { class: 'actions', id: 'merge-box' });
    if (p.mergeable && server.mirrorOf) {
      append(actions, [el('p', { class: 'muted', id: 'merge-on-primary' }, 'Ready to merge. This server is a read-only '
        + 'mirror: merge on the primary, ', el('code', null, server.mirrorOf), '.')]);
    } else if (p.mergeable) {
      const b = el('button', { type: 'button', class: 'primary', id: 'merge-button' }, 'Merge into main');
      const err = el('div', { class: 'error', id: 'merge-error', hidden: true });
      b.addEventListener('click', () => withLogin('Log in to merge ' + p.branch + '.', () => {
        b.hidden = true;
        const hint = $('merge-login-hint');
        if (hint) hint.hidden = true;
        actions.appendChild(mergeConfirmation(p, b, err));
      }));
      append(actions, [b, session.user ? null : el('span', { class: 'muted', id: 'merge-login-hint' }, ' (asks for a login)'), err]);
    } else if (!p.mergedIntoMain) {
      append(actions, [el('p', { class: 'muted' }, 'The merge button appears when every participant has signed and nothing blocks.')]);
    }
    return page('Proposal ' + p.branch,
      el('p', null, status, ' ', el('code', { title: p.commit }, short(p.commit)), ' ', p.subject, ' — ', p.author),
      actions,
      proposalSummary(p),
      p.problems.length ? [el('h2', null, 'Problems'), problemList(p.problems, 'problems bad')] : null,
      el('h2', null, 'Signatures'),
      p.contracts.length === 0 ? el('p', { class: 'muted' }, 'This proposal adds or changes no contract file.') : null,
      el('div', { class: 'cards', id: 'signatures' }, p.contracts.map((c) => el('article', { class: 'card', 'data-file': c.path },
        el('h3', null, c.name || c.path),
        c.error ? el('p', { class: 'error' }, c.error) : el('table', { class: 'compact' },
          el('tbody', null, c.participants.map((x) => el('tr', { 'data-participant': x.name, class: 'sig-' + x.status },
            el('td', null, x.name),
            el('td', null, fingerprint(x.hash)),
            el('td', null, el('span', { class: 'badge ' + (x.status === 'signed' ? 'ok' : x.status === 'missing' ? 'warn' : 'bad') },
              x.status === 'signed' ? 'signed' : x.status === 'missing' ? 'signature missing' : 'invalid signature')),
            el('td', { class: 'muted nowrap' }, x.signedAt ? when(x.signedAt) : '', x.problems.length ? problemList(x.problems) : null)))))))),
      p.notes.length ? [el('h2', null, 'Notes'), problemList(p.notes, 'problems')] : null,
      el('h2', null, 'Changes against main'),
      el('p', { class: 'muted' }, 'Since the branch left main at ', el('code', null, short(p.base)),
        p.filesTruncated ? '; only the first files have their diff shown' : '', '.'),
      el('div', { id: 'diff' }, p.files.map((f) => el('section', { class: 'file', 'data-path': f.path },
        el('h3', null, el('span', { class: 'badge ' + (f.change === 'delete' ? 'bad' : 'ok') }, f.change), ' ', el('code', null, f.path)),
        f.diff === null ? el('p', { class: 'muted' }, 'diff not shown') : diffView(f.diff)))));
  }

  // ---- proposal summary, merge confirmation, revoked contract (detail views) ---------------------------

  const ROOT_CHANGE = { added: 'ok', changed: 'warn', dropped: 'bad', kept: null };

  /** A certificate in one line: readable subject, key, fingerprint (whole on hover). */
  function certLine(info) {
    if (!info) return '—';
    if (info.error) return el('span', { class: 'error' }, info.error);
    return [el('span', { class: 'subject' }, info.subject), ' ', el('span', { class: 'muted key' }, info.key), ' ',
      fingerprint(info.fingerprint)];
  }

  /** What merging the proposal changes on main, per contract file, above the raw diff. */
  function proposalSummary(p) {
    if (!p.summary || p.summary.length === 0) return null;
    return el('section', { id: 'proposal-summary' },
      el('h2', null, 'What the merge changes on main'),
      el('div', { class: 'cards summary-cards' }, p.summary.map((s) => contractSummary(s, p.branch))));
  }

  function contractSummary(s, branch) {
    const card = (badge, cls, ...children) => el('article', { class: 'card', 'data-file': s.path, 'data-change': s.change },
      el('h3', null, el('span', { class: 'badge ' + cls }, badge), ' ', s.name || s.path), ...children);
    if (s.change === 'removed') {
      return card('revoked by the merge', 'bad', el('p', null, 'Deletes ', el('code', null, s.path),
        ' from main: every zone drops this contract\'s peers at its next pull, and its id is never trusted again.'));
    }
    if (s.error) return card('unreadable', 'bad', el('p', { class: 'error' }, s.error));
    const who = s.participants;
    const before = s.window.before;
    return card(s.change === 'added' ? 'new contract' : s.idChanged ? 'successor (new id)' : 'changed',
      s.change === 'added' ? 'ok' : 'warn',
      el('dl', { class: 'facts' },
        el('dt', null, 'Participants'), el('dd', { class: 'summary-participants' },
          who.added.map((n) => el('span', { class: 'badge ok', 'data-added': n }, '+ ' + n)), ' ',
          who.removed.map((n) => el('span', { class: 'badge bad', 'data-removed': n }, '− ' + n)), ' ',
          who.kept.length ? el('span', { class: 'muted' }, 'unchanged: ' + who.kept.join(', ')) : null),
        el('dt', null, 'Window'), el('dd', { class: 'summary-window' },
          before && before.notBefore ? [el('span', { class: 'muted' }, when(before.notBefore) + ' → ' + when(before.notAfter)),
            ' becomes '] : null,
          el('strong', null, when(s.window.after.notBefore) + ' → ' + when(s.window.after.notAfter)))),
      el('h4', null, 'Roots'),
      el('table', { class: 'compact summary-roots' }, el('tbody', null, s.roots.map((r) =>
        el('tr', { 'data-participant': r.participant, 'data-role': r.role, 'data-change': r.change },
          el('td', null, r.participant, r.role === 'next' ? el('span', { class: 'muted' }, ' next root') : null),
          el('td', null, ROOT_CHANGE[r.change] ? el('span', { class: 'badge ' + ROOT_CHANGE[r.change] }, r.change)
            : el('span', { class: 'muted' }, r.change)),
          el('td', null, r.change === 'changed' ? [fingerprint(r.before), ' → '] : null, certLine(r.certificate)))))),
      el('h4', null, 'Signed'),
      s.signatures.length === 0 ? el('p', { class: 'muted' }, 'No signature yet.')
        : el('table', { class: 'compact summary-signatures' }, el('tbody', null, s.signatures.map((g) =>
          el('tr', { 'data-participant': g.participant, 'data-role': g.role || '' },
            el('td', null, g.participant, g.role === 'next' ? el('span', { class: 'muted' }, ' with its next root') : null),
            el('td', null, el('span', { class: 'badge ' + (g.status === 'valid' ? 'ok' : 'bad') }, g.status)),
            el('td', null, certLine(g.signer)),
            el('td', { class: 'muted nowrap' }, when(g.signedAt)))))),
      s.coSign.length ? [el('h4', null, 'Still to sign'),
        el('ul', { class: 'plain cosign' }, s.coSign.map((c) => el('li', { 'data-participant': c.participant, 'data-role': c.role },
          el('strong', null, c.participant), c.role === 'next' ? ' with its next root ' : ' with its root ', fingerprint(c.root),
          ': in a checkout of ', el('code', null, branch), ', with ', c.signer, ', run',
          el('pre', { class: 'command' }, c.command),
          el('span', { class: 'muted' }, 'then commit the file and push it back to ' + branch + '.'))))] : null);
  }

  /** The merge's confirmation step: the summary once more, and the head commit the merge is bound to. */
  function mergeConfirmation(p, button, err) {
    const lines = (p.summary || []).map((s) => {
      if (s.change === 'removed') return 'revokes ' + s.name;
      if (s.error) return s.path + ': ' + s.error;
      const roots = ['added', 'changed', 'dropped'].map((k) => [k, s.roots.filter((r) => r.change === k).length])
        .filter(([, n]) => n > 0).map(([k, n]) => n + ' root' + (n === 1 ? ' ' : 's ') + k);
      return (s.change === 'added' ? 'adds ' : 'replaces ') + s.name
        + (s.participants.added.length ? '; participants added: ' + s.participants.added.join(', ') : '')
        + (s.participants.removed.length ? '; removed: ' + s.participants.removed.join(', ') : '')
        + (roots.length ? '; ' + roots.join(', ') : '')
        + '; window ' + when(s.window.after.notBefore) + ' → ' + when(s.window.after.notAfter);
    });
    const go = el('button', { type: 'button', class: 'primary', id: 'merge-confirm-button' },
      'Merge ' + short(p.commit) + ' into main');
    const cancel = el('button', { type: 'button', id: 'merge-cancel' }, 'Cancel');
    const box = el('div', { class: 'confirm', id: 'merge-confirm' },
      el('p', null, 'Merge ', el('code', null, p.branch), ' at commit ', el('code', { title: p.commit }, short(p.commit)),
        ' into main? It:'),
      el('ul', { class: 'problems', id: 'merge-confirm-summary' }, lines.length ? lines.map((l) => el('li', null, l))
        : el('li', null, 'changes no contract file')),
      el('p', { class: 'muted' }, 'If anyone pushes to the branch before you confirm, the server refuses the merge ' +
        'and this page must be loaded again.'),
      el('div', { class: 'actions' }, go, cancel));
    cancel.addEventListener('click', () => { box.remove(); button.hidden = false; });
    go.addEventListener('click', async () => {
      go.disabled = true;
      try {
        const r = await api('POST', '/api/proposals/' + p.branch.split('/').map(encodeURIComponent).join('/')
          + '/merge?head=' + encodeURIComponent(p.commit));
        flash('Merged ' + p.branch + ' into main: commit ' + short(r.commit) +
          (r.fastForward ? ' (fast-forward).' : ' (merge commit).'), 'ok');
        location.hash = '#/contracts';
      } catch (e) {
        clear(err);
        append(err, ['Merge refused: ' + e.message, problemList(e.problems),
          e.status === 409 ? el('button', { type: 'button', id: 'merge-reload', onclick: () => render() }, 'Load the proposal again') : null]);
        err.hidden = false;
        go.disabled = false;
      }
    });
    return box;
  }

  /** A contract that main no longer holds: when its file was deleted, in which commit, by whom. */
  function revokedPage(body) {
    const r = body.revoked;
    setFooter(body.commit);
    return page('Contract ' + r.name + ' (revoked)',
      el('section', { class: 'danger-zone', id: 'revoked' },
        el('h2', null, 'Revoked'),
        el('p', null, el('code', null, r.path), ' was deleted from main at ', el('strong', { id: 'revoked-at' }, when(r.at)),
          r.user ? [' by ', el('strong', { id: 'revoked-by' }, r.user)]
            : el('span', { class: 'muted' }, ' (the server\'s reflog does not say who moved main: see its audit log)'), '.'),
        el('dl', { class: 'facts' },
          el('dt', null, 'Commit'), el('dd', { id: 'revoked-commit' }, el('code', { title: r.commit }, short(r.commit)), ' ',
            el('span', { class: 'subject' }, r.subject)),
          el('dt', null, 'Author'), el('dd', null, r.author.name, ' <', r.author.email, '> at ', when(r.author.at)),
          r.mainUpdate ? [el('dt', null, 'Main moved by'), el('dd', null, r.mainUpdate.user, ' (', r.mainUpdate.message, ')')] : null),
        el('p', null, 'Agents dropped its peers at their next pull, and never trust its id again.')),
      el('p', null, link('#/history?contract=' + encodeURIComponent(r.name), 'History of this contract')));
  }

  async function historyPage(query) {
    const contract = query.get('contract');
    // the history is a walk of main from its tip: newest first, paged by "Older…" (a cursor), searchable
    const state = listState('history', query, 'time', 'desc', ['contract']);
    const rows = el('tbody');
    const more = el('button', { type: 'button', id: 'history-more', hidden: true }, 'Older…');
    let next = null;
    async function load() {
      const q = new URLSearchParams({ limit: '50' });
      if (contract) q.set('contract', contract);
      if (state.q) q.set('q', state.q);
      if (next) q.set('start', next);
      const data = await api('GET', '/api/history?' + q.toString());
      setFooter(data.commit);
      for (const ev of data.events) {
        for (const ch of ev.changes) {
          rows.appendChild(el('tr', { 'data-change': ch.change, 'data-name': ch.name },
            el('td', { class: 'nowrap' }, when(ev.mainUpdate ? ev.mainUpdate.at : ev.committedAt)),
            el('td', null, el('span', { class: 'badge ' + (ch.change === 'revoked' ? 'bad' : ch.change === 'added' ? 'ok' : 'warn') }, ch.change)),
            el('td', null, link(contractHref(ch.name), ch.name)),
            el('td', null, ev.mainUpdate ? el('strong', null, ev.mainUpdate.user) : el('span', { class: 'muted' }, 'unknown'),
              el('div', { class: 'muted' }, 'author ', ev.author.name)),
            el('td', null, el('code', { title: ev.commit }, short(ev.commit)), ' ', ev.subject)));
        }
        if (ev.changeCount > ev.changes.length) {
          rows.appendChild(el('tr', { class: 'more-changes' }, el('td', { colspan: '5', class: 'muted' },
            'and ' + number(ev.changeCount - ev.changes.length) + ' more changes in commit ', el('code', null, short(ev.commit)),
            ': search to find one.')));
        }
      }
      if (rows.childElementCount === 0) {
        rows.appendChild(el('tr', null, el('td', { colspan: '5', class: 'empty' }, state.q
          ? 'No change of a contract matching “' + state.q + '”.' : 'No contract has been added or revoked yet.')));
      }
      next = data.next;
      more.hidden = !next;
    }
    more.addEventListener('click', async () => {
      more.disabled = true;
      try { await load(); } catch (e) { flash(e.message, 'error'); } finally { more.disabled = false; }
    });
    await load();
    return page(contract ? 'History of ' + contract : 'History',
      el('p', { class: 'summary' }, 'Every commit on main that added, changed or deleted a contract file, newest first. ' +
        '"Reached main by" is the authenticated user of the push or API call that moved main (from the server\'s reflog); ' +
        'the author is what the commit says.'),
      el('div', { class: 'list', 'data-list': 'history' },
        el('div', { class: 'list-bar' }, searchBox(state, 'Search by contract name')),
        el('table', { id: 'history-table' },
          el('thead', null, el('tr', null, el('th', { scope: 'col', 'aria-sort': 'descending' }, 'When ▼'),
            ['Change', 'Contract', 'Reached main by', 'Commit'].map((h) => el('th', { scope: 'col' }, h)))),
          rows)),
      more);
  }

  // ---- router ------------------------------------------------------------------------------------------

  function route() {
    const raw = location.hash.replace(/^#\/?/, '');
    const qi = raw.indexOf('?');
    const path = qi >= 0 ? raw.substring(0, qi) : raw;
    const query = new URLSearchParams(qi >= 0 ? raw.substring(qi + 1) : '');
    const slash = path.indexOf('/');
    const section = slash >= 0 ? path.substring(0, slash) : path;
    let rest = slash >= 0 ? path.substring(slash + 1) : '';
    try { rest = decodeURIComponent(rest); } catch (e) { /* keep it as typed */ }
    return { section: section || 'contracts', rest, query };
  }

  async function render() {
    const token = ++renderToken;
    // asked before the page is built: building moves the search box out of the document, which blurs it
    const refocus = searchFocus();
    const r = route();
    const main = $('main');
    document.querySelectorAll('nav a').forEach((a) => a.classList.toggle('active', a.dataset.nav === r.section));
    document.body.dataset.view = 'loading';
    let nodes;
    try {
      if (r.section === 'contracts') nodes = r.rest ? await contractPage(r.rest) : await contractsPage(r.query);
      else if (r.section === 'zones') nodes = await zonesPage(r.rest, r.query);
      else if (r.section === 'proposals') nodes = r.rest ? await proposalPage(r.rest) : await proposalsPage(r.query);
      else if (r.section === 'history') nodes = await historyPage(r.query);
      else nodes = page('Not found', el('p', null, 'There is no page ', el('code', null, location.hash), '.'));
    } catch (e) {
      if (token !== renderToken) return;
      if (e.status === 401) {
        nodes = page('Login required', el('p', { class: 'error' }, 'This server requires a login to read: ' + e.message));
        openLogin(null, null);
      } else {
        nodes = page(e.status === 404 ? 'Not found' : 'Error', el('p', { class: 'error', id: 'page-error' }, e.message),
          problemList(e.problems));
      }
    }
    if (token !== renderToken) return;
    clear(main);
    append(main, nodes);
    refocus();
    document.body.dataset.view = r.section + (r.rest ? '-detail' : '');
  }

  /** Reads whether this server is a read-only mirror (before the first page, so no write button ever shows). */
  async function loadServer() {
    try {
      const r = await fetch('/healthz', { headers: { 'X-Requested-With': 'XMLHttpRequest' } });
      const h = await r.json();
      if (h && h.mirror && typeof h.mirror.primary === 'string') {
        server.mirrorOf = h.mirror.primary;
        const b = $('mirror-banner');
        clear(b);
        append(b, ['Read-only mirror of ', el('code', null, server.mirrorOf),
          ': merges, revocations and pushes go to the primary.']);
        b.hidden = false;
      }
    } catch (e) {
      // a primary, or a server that cannot say: the API still refuses what it must
    }
  }

  async function start() {
    await loadServer();
    $('login-open').addEventListener('click', () => openLogin(null, null));
    $('login-cancel').addEventListener('click', () => { $('login-panel').hidden = true; afterLogin = null; });
    $('logout').addEventListener('click', logout);
    $('login-form').addEventListener('submit', submitLogin);
    $('clone-url').textContent = location.origin + '/git/contracts.git';
    window.addEventListener('hashchange', () => {
      // a message about what just happened (a merge that leads to the list) stays for the next page
      if (Date.now() - flashedAt > 2000) flash(null);
      render();
    });
    showSession();
    render();
  }

  document.addEventListener('DOMContentLoaded', start);
}());
