/* hfdaily site: follow (localStorage), copy BibTeX, search (Pagefind). No server, no account, no tracking. */
(function () {
  "use strict";
  var ROOT = document.body.getAttribute("data-root") || "";
  var KEY = "hfdaily-follow";
  var KINDS = { keyword: "关键词", author: "作者", org: "机构", field: "领域" };

  /* ---------- follow ---------- */
  function loadFollows() {
    try {
      var saved = JSON.parse(localStorage.getItem(KEY) || "{}");
      var out = {};
      Object.keys(KINDS).forEach(function (k) { out[k] = Array.isArray(saved[k]) ? saved[k] : []; });
      return out;
    } catch (e) { return { keyword: [], author: [], org: [], field: [] }; }
  }
  function saveFollows(f) {
    try { localStorage.setItem(KEY, JSON.stringify(f)); } catch (e) { /* private mode: follow lasts this page only */ }
  }
  function lower(s) { return (s || "").toLocaleLowerCase(); }
  function splitList(s) { return s ? s.split("|").map(lower) : []; }

  function reasons(el, f) {
    var found = [];
    var text = lower(el.textContent);
    f.keyword.forEach(function (k) { if (k && text.indexOf(lower(k)) >= 0) found.push(KINDS.keyword + "：" + k); });
    var authors = splitList(el.getAttribute("data-authors"));
    f.author.forEach(function (a) { if (authors.indexOf(lower(a)) >= 0) found.push(KINDS.author + "：" + a); });
    var org = lower(el.getAttribute("data-org"));
    f.org.forEach(function (o) { if (org && org === lower(o)) found.push(KINDS.org + "：" + o); });
    var fields = splitList(el.getAttribute("data-fields"));
    f.field.forEach(function (x) { if (fields.indexOf(lower(x)) >= 0) found.push(KINDS.field + "：" + x); });
    return found;
  }

  function unmark(el) {
    el.querySelectorAll("mark.fk").forEach(function (m) {
      var parent = m.parentNode;
      parent.replaceChild(document.createTextNode(m.textContent), m);
      parent.normalize();
    });
    el.querySelectorAll(".badge.fb").forEach(function (b) { b.remove(); });
    el.classList.remove("followed");
  }

  function markKeywords(el, keywords) {
    var words = keywords.filter(Boolean).map(lower);
    if (!words.length) return;
    el.querySelectorAll("h2, h3, .orig, .abstract, .contrib").forEach(function (scope) {
      var walker = document.createTreeWalker(scope, NodeFilter.SHOW_TEXT);
      var nodes = [];
      while (walker.nextNode()) nodes.push(walker.currentNode);
      nodes.forEach(function (node) {
        var text = node.nodeValue, low = lower(text), at = -1, word = "";
        words.forEach(function (w) { var i = low.indexOf(w); if (i >= 0 && (at < 0 || i < at)) { at = i; word = w; } });
        if (at < 0) return;
        var mark = document.createElement("mark");
        mark.className = "fk";
        var hit = node.splitText(at);
        hit.splitText(word.length);
        mark.textContent = hit.nodeValue;
        hit.parentNode.replaceChild(mark, hit);
      });
    });
  }

  function applyFollows() {
    var f = loadFollows();
    document.querySelectorAll("[data-follow-list]").forEach(function (list) {
      var items = Array.prototype.slice.call(list.children);
      items.forEach(function (li, i) { if (!li.hasAttribute("data-i")) li.setAttribute("data-i", i); });
      var followed = 0;
      items.forEach(function (li) {
        var card = li.querySelector(".paper") || li;
        unmark(card);
        var why = reasons(card, f);
        li.setAttribute("data-followed", why.length ? "1" : "0");
        if (!why.length) return;
        followed++;
        card.classList.add("followed");
        var badge = document.createElement("span");
        badge.className = "badge fb";
        badge.textContent = "★ 关注 · " + why.join("，");
        card.insertBefore(badge, card.firstChild);
        markKeywords(card, f.keyword);
      });
      // Followed papers first, each group in its original order.
      items.sort(function (a, b) {
        return (b.getAttribute("data-followed") - a.getAttribute("data-followed")) ||
          (a.getAttribute("data-i") - b.getAttribute("data-i"));
      }).forEach(function (li) { list.appendChild(li); });
      var note = document.getElementById("follow-count");
      if (note) note.textContent = followed ? "你关注的 " + followed + " 篇论文已置顶并高亮。" : "";
    });
  }

  function renderDialog(dialog) {
    var f = loadFollows();
    var list = dialog.querySelector("ul");
    list.textContent = "";
    var total = 0;
    Object.keys(KINDS).forEach(function (kind) {
      f[kind].forEach(function (value, i) {
        total++;
        var li = document.createElement("li");
        var label = document.createElement("span");
        label.textContent = KINDS[kind] + "：" + value;
        var remove = document.createElement("button");
        remove.type = "button";
        remove.className = "btn";
        remove.textContent = "取消关注";
        remove.setAttribute("aria-label", "取消关注" + KINDS[kind] + " " + value);
        remove.addEventListener("click", function () {
          var now = loadFollows();
          now[kind].splice(now[kind].indexOf(value), 1);
          saveFollows(now);
          renderDialog(dialog);
          applyFollows();
        });
        li.appendChild(label);
        li.appendChild(remove);
        list.appendChild(li);
      });
    });
    dialog.querySelector(".empty").hidden = total > 0;
  }

  function setupFollow() {
    var open = document.getElementById("follow-open");
    var dialog = document.getElementById("follow-dialog");
    if (!open || !dialog) return;
    open.hidden = false;
    open.addEventListener("click", function () { renderDialog(dialog); dialog.showModal(); });
    dialog.querySelector("form.add").addEventListener("submit", function (ev) {
      ev.preventDefault();
      var kind = dialog.querySelector("select").value;
      var input = dialog.querySelector("input");
      var value = input.value.trim();
      if (!value) return;
      var f = loadFollows();
      if (f[kind].indexOf(value) < 0) f[kind].push(value);
      saveFollows(f);
      input.value = "";
      renderDialog(dialog);
      applyFollows();
    });
    dialog.querySelector(".close").addEventListener("click", function () { dialog.close(); });
    document.querySelectorAll("button[data-follow-kind]").forEach(function (btn) {
      btn.hidden = false;
      btn.addEventListener("click", function () {
        var f = loadFollows(), kind = btn.getAttribute("data-follow-kind"), value = btn.getAttribute("data-follow-value");
        if (f[kind].indexOf(value) < 0) f[kind].push(value);
        saveFollows(f);
        btn.textContent = "已关注";
        applyFollows();
      });
    });
  }

  /* ---------- BibTeX ---------- */
  // The text comes from the page (publish/citation.py wrote it): nothing is composed here.
  function setupBibtex() {
    document.querySelectorAll("button.copy-bib[hidden]").forEach(function (b) { b.hidden = false; });
    document.addEventListener("click", function (ev) {
      var btn = ev.target.closest && ev.target.closest("button.copy-bib");
      if (!btn) return;
      var pre = btn.hasAttribute("data-target") ? document.getElementById(btn.getAttribute("data-target")) : null;
      var text = pre ? pre.textContent : btn.getAttribute("data-bibtex");
      var done = function () { btn.textContent = "已复制 ✓"; setTimeout(function () { btn.textContent = "复制 BibTeX"; }, 2000); };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(text).then(done, function () { fallbackCopy(text, done); });
      } else { fallbackCopy(text, done); }
    });
  }
  function fallbackCopy(text, done) {
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "fixed";
    area.style.opacity = "0";
    document.body.appendChild(area);
    area.select();
    try { if (document.execCommand("copy")) done(); } catch (e) { /* the reader can copy from the paper page */ }
    area.remove();
  }

  /* ---------- filters: 有代码 / 有项目页 / 有图 ---------- */
  function setupFilters() {
    document.querySelectorAll("fieldset.filters").forEach(function (box) {
      var list = box.nextElementSibling;  // the list it filters is the next list after it
      while (list && list.tagName !== "UL" && list.tagName !== "OL") list = list.nextElementSibling;
      if (!list) return;
      // a filter no card of this list could pass (no paper with a figure yet) is not offered
      Array.prototype.forEach.call(box.querySelectorAll("input[data-filter]"), function (b) {
        if (!list.querySelector("[data-" + b.getAttribute("data-filter") + "]")) b.closest("label").hidden = true;
      });
      box.hidden = false;
      var boxes = box.querySelectorAll("label:not([hidden]) input[data-filter]");
      var count = box.querySelector("[data-filter-count]");
      function apply() {
        var wanted = Array.prototype.filter.call(boxes, function (b) { return b.checked; })
          .map(function (b) { return "data-" + b.getAttribute("data-filter"); });
        var shown = 0, total = 0;
        Array.prototype.forEach.call(list.children, function (li) {
          var card = li.querySelector(".paper") || li;
          var ok = wanted.every(function (a) { return card.hasAttribute(a); });
          li.hidden = !ok;
          total++;
          if (ok) shown++;
        });
        count.textContent = wanted.length ? "显示 " + shown + " / " + total + " 篇" : "";
      }
      Array.prototype.forEach.call(boxes, function (b) { b.addEventListener("change", apply); });
      apply();
    });
  }

  /* ---------- search ---------- */
  var pagefind = null;
  function siteBase() { return new URL(ROOT || "./", location.href); }
  function loadPagefind() {
    if (!pagefind) {
      var base = siteBase();
      // Result URLs start at the site's own path, so they are right under a sub-path (GitHub Pages).
      var options = { baseUrl: base.pathname, excerptLength: 40 };
      pagefind = import(new URL("pagefind/pagefind.js", base).href).then(function (pf) {
        return pf.options(options).then(function () {
          return pf.mergeIndex(new URL("pagefind-recent/", base).href, { baseUrl: base.pathname })
            .catch(function () { /* no recent bundle: the main one has every day */ });
        }).then(function () { return pf.init(); }).then(function () { return pf; });
      });
    }
    return pagefind;
  }
  var ARXIV_ID = /^\s*(?:arxiv:\s*)?(\d{4})\.(\d{4,5})(?:v\d+)?\s*$/i;
  // arXiv ids are indexed as one token too ("arxiv260110387"): the segmenter splits "2601.10387" at the dot.
  function toQuery(q) { var m = q.match(ARXIV_ID); return m ? "arxiv" + m[1] + m[2] : q; }

  var PAGE = 10;
  var CJK = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]/;
  // Pagefind cuts a Chinese query into words and drops the words its index does not have: "量子计算"
  // became "计算" and found every 计算机视觉 paper. So every word of a Chinese query must be in the
  // paper: a word of two characters or more that finds nothing alone means no paper has it (single
  // characters are skipped there: the index keeps 多模态 whole, so 态 alone finds nothing), and each
  // result is checked against its own text before it is shown (in batches, as far as the page needs).
  function cjkWords(q) { return q.split(/\s+/).filter(function (w) { return CJK.test(w); }).map(lower); }
  function pieces(word) {
    if (!(window.Intl && Intl.Segmenter)) return [word];
    var seg = new Intl.Segmenter("zh", { granularity: "word" });
    return Array.from(seg.segment(word)).filter(function (s) { return s.isWordLike && CJK.test(s.segment); })
      .map(function (s) { return s.segment; });
  }
  function hasAll(d, words) {
    var text = lower((d.meta && d.meta.title || "") + " " + (d.content || ""));
    return words.every(function (w) { return text.indexOf(w) >= 0; });
  }
  var CHECKED = 200;  // results checked per click at most: a rare word among thousands of candidates
  var state = null;
  function search(q, shown) {
    var started = performance.now(), want = (shown || 0) + PAGE, phrase = cjkWords(q);
    var words = [].concat.apply([], phrase.map(pieces));  // each word of the query, as the page's text must hold it
    var ready = state && state.query === q ? Promise.resolve(state) : loadPagefind().then(function (pf) {
      var checks = words.filter(function (w) { return w.length > 1; }).map(function (w) {
        return pf.search(w).then(function (r) { return r.results.length > 0; });
      });
      return Promise.all(checks).then(function (found) {
        var missing = found.indexOf(false) >= 0;
        return (missing ? Promise.resolve({ results: [] }) : pf.search(toQuery(q))).then(function (res) {
          state = { query: q, results: res.results, next: 0, items: [], seen: {} };
          return state;
        });
      });
    });
    return ready.then(function (st) {
      var stop = st.next + CHECKED;
      function fill() {
        if (st.items.length >= want || st.next >= st.results.length || st.next >= stop) return Promise.resolve();
        var batch = st.results.slice(st.next, st.next + PAGE);
        st.next += batch.length;
        return Promise.all(batch.map(function (r) { return r.data(); })).then(function (data) {
          data.forEach(function (d) {
            if (st.seen[d.url] || (words.length && !hasAll(d, words))) return;
            st.seen[d.url] = true;
            st.items.push(d);
          });
          return fill();
        });
      }
      return fill().then(function () {
        var ms = performance.now() - started;
        var done = st.next >= st.results.length;  // every result checked: the count is exact
        var count = done ? st.items.length : (words.length ? null : st.results.length);
        window.hfdailyLastSearch = { query: q, ms: ms, count: count };
        return { items: st.items.slice(0, want), count: count, more: st.items.length > want || !done, ms: ms };
      });
    });
  }
  window.hfdailySearch = search;  // used by the benchmark to time searches in the browser

  function setupSearch() {
    var form = document.getElementById("search-form");
    if (!form) return;
    var input = document.getElementById("search-q");
    var status = document.getElementById("search-status");
    var list = document.getElementById("search-results");
    if (location.protocol === "file:") {
      status.textContent = "从本地文件打开时浏览器不允许加载搜索索引：请运行 hfdaily serve，或在部署后的网站上搜索。";
      return;
    }
    var more = document.getElementById("search-more");
    var timer = null, seq = 0, shown = 0;
    function run(keep) {
      var q = input.value.trim();
      var mine = ++seq;
      var url = new URL(location.href);
      if (q) url.searchParams.set("q", q); else url.searchParams.delete("q");
      history.replaceState(null, "", url);
      shown = keep ? shown : 0;
      more.hidden = true;
      if (!q) { list.textContent = ""; status.textContent = ""; return; }
      status.textContent = "搜索中…";
      search(q, shown).then(function (res) {
        if (mine !== seq) return;
        list.textContent = "";
        res.items.forEach(function (d) {
          var li = document.createElement("li");
          var a = document.createElement("a");
          a.href = new URL(d.url, location.href).href;
          a.textContent = d.meta.title || d.url;
          var h = document.createElement("h2");
          h.appendChild(a);
          li.appendChild(h);
          var info = document.createElement("p");
          info.className = "muted";
          info.textContent = [d.meta.date, d.meta.org, d.meta.title_en].filter(Boolean).join(" · ");
          li.appendChild(info);
          var ex = document.createElement("p");
          ex.innerHTML = d.excerpt;  // Pagefind's excerpt: our own indexed text, with <mark> around hits
          li.appendChild(ex);
          list.appendChild(li);
        });
        shown = res.items.length;
        more.hidden = !res.more;
        if (!shown && res.more) status.textContent = "找到 0 篇：已核对最相关的候选，可继续查找。";
        else if (!shown) status.textContent = "没有找到匹配的论文。";
        else if (res.count === null) status.textContent = "找到 " + shown + " 篇以上论文，显示前 " + shown + " 篇";
        else status.textContent = "找到 " + res.count + " 篇论文" + (res.count > shown ? "，显示前 " + shown + " 篇" : "");
      }, function (err) {
        status.textContent = "搜索索引加载失败（" + err + "）。";
      });
    }
    more.addEventListener("click", function () { run(true); });
    input.addEventListener("input", function () {
      clearTimeout(timer);
      var q = input.value.trim();
      // Fetch the index chunks for what is typed while the debounce waits.
      if (q) loadPagefind().then(function (pf) { return pf.preload(toQuery(q)); }).catch(function () {});
      timer = setTimeout(run, 120);
    });
    form.addEventListener("submit", function (ev) { ev.preventDefault(); clearTimeout(timer); run(); });
    var initial = new URL(location.href).searchParams.get("q");
    if (initial) { input.value = initial; run(); }
  }

  setupFollow();
  applyFollows();
  setupBibtex();
  setupFilters();
  setupSearch();
})();
