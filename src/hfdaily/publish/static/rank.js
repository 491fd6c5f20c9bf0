/* hfdaily site: 为你推荐 — 👍/👎, a reader's profile in localStorage, the day ordered for it with a why,
   negative keywords and a threshold that fold papers, export/import (profile JSON, BibTeX, RIS), and
   the 相关论文 sort. The same arithmetic as `hfdaily recommend` (rank/recommend.py) on the site's int8
   vectors (vectors/DATE.js, loaded only when there is a profile). No server, no model. */
(function () {
  "use strict";
  var ROOT = document.body.getAttribute("data-root") || "";
  var KEY = "hfdaily-profile", FOLLOW = "hfdaily-follow";
  var DISLIKE_WEIGHT = 0.5, KEYWORD_WEIGHT = 0.05, TEXT_WEIGHT = 1.0;
  var vectors = {};  // id → Float32Array (unit)
  var pending = {};  // script URL → [callbacks]

  function emptyProfile() { return { liked: {}, disliked: {}, negative: [], threshold: null, texts: [], order: "rec" }; }
  function load() {
    try {
      var p = JSON.parse(localStorage.getItem(KEY) || "null");
      if (!p || typeof p !== "object") return emptyProfile();
      var e = emptyProfile();
      Object.keys(e).forEach(function (k) { if (p[k] === undefined) p[k] = e[k]; });
      return p;
    } catch (err) { return emptyProfile(); }
  }
  function save(p) { try { localStorage.setItem(KEY, JSON.stringify(p)); } catch (err) { /* private mode */ } }
  function follows() {
    try { var f = JSON.parse(localStorage.getItem(FOLLOW) || "{}"); return Array.isArray(f.keyword) ? f.keyword : []; }
    catch (err) { return []; }
  }
  // Followed terms alone keep site.js's order (followed first, in the day's order); they weigh in once
  // the reader has a profile of their own.
  function hasProfile(p) {
    return Object.keys(p.liked).length || Object.keys(p.disliked).length || p.texts.length || p.negative.length ||
      (p.threshold !== null && p.threshold !== "");
  }

  /* ---------- vectors ---------- */
  function decode(b64, dim, n) {
    var raw = atob(b64), out = [];
    for (var i = 0; i < n; i++) {
      var v = new Float32Array(dim), norm = 0;
      for (var j = 0; j < dim; j++) { var x = raw.charCodeAt(i * dim + j); if (x > 127) x -= 256; v[j] = x; norm += x * x; }
      norm = Math.sqrt(norm) || 1;
      for (j = 0; j < dim; j++) v[j] /= norm;
      out.push(v);
    }
    return out;
  }
  window.hfdailyVectors = function (data) {
    var list = decode(data.q, data.dim, data.ids.length);
    data.ids.forEach(function (id, i) { vectors[id] = list[i]; });
  };
  function loadScript(url, done) {
    if (pending[url] === true) return done();
    if (pending[url]) return pending[url].push(done);
    pending[url] = [done];
    var s = document.createElement("script");
    s.src = url;
    s.onload = s.onerror = function () { var cbs = pending[url]; pending[url] = true; cbs.forEach(function (cb) { cb(); }); };
    document.head.appendChild(s);
  }
  function loadAll(urls, done) {
    var left = urls.length;
    if (!left) return done();
    urls.forEach(function (u) { loadScript(u, function () { if (--left === 0) done(); }); });
  }
  function toB64(v) {
    var peak = 0, s = "";
    for (var i = 0; i < v.length; i++) peak = Math.max(peak, Math.abs(v[i]));
    for (i = 0; i < v.length; i++) { var q = Math.round(v[i] * 127 / (peak || 1)); s += String.fromCharCode(q < 0 ? q + 256 : q); }
    return btoa(s);
  }
  function dot(a, b) { var s = 0; for (var i = 0; i < a.length; i++) s += a[i] * b[i]; return s; }

  /* ---------- words: followed terms through the glossary, imported references as bags of words ---------- */
  var GLOSSARY = window.hfdailyGlossary || {};
  function cjk(s) { return /[\u3400-\u9fff]/.test(s); }
  function expand(term) {
    var words = [term.toLowerCase()];
    if (cjk(term)) {
      if (GLOSSARY[term]) words = words.concat(GLOSSARY[term]);
      else {
        var rest = term;
        Object.keys(GLOSSARY).sort(function (a, b) { return b.length - a.length; }).forEach(function (zh) {
          if (rest.indexOf(zh) >= 0) { words = words.concat(GLOSSARY[zh]); rest = rest.split(zh).join(" "); }
        });
      }
    }
    return words;
  }
  function escapeRe(s) { return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"); }
  function match(term, text) {
    var words = expand(term);
    for (var i = 0; i < words.length; i++) {
      var re = new RegExp((cjk(words[i]) ? "" : "(^|[^A-Za-z0-9])") + escapeRe(words[i]), "i");
      var m = text.match(re);
      if (m) return words[i];
    }
    return null;
  }
  var STOP = ("the of and to in a for we on with is that by this as our are from be an which can at or it its "
    + "these such model models method methods paper propose proposed based using results show new approach than "
    + "has have also their both while into via however not more across use two large").split(" ");
  function bag(text) {
    var b = {}, n = 0;
    (text.toLowerCase().match(/[a-z][a-z0-9\-]+/g) || []).forEach(function (w) {
      if (STOP.indexOf(w) < 0) { b[w] = (b[w] || 0) + 1; n++; }
    });
    var norm = 0;
    Object.keys(b).forEach(function (w) { b[w] = 1 + Math.log(b[w]); norm += b[w] * b[w]; });
    norm = Math.sqrt(norm) || 1;
    Object.keys(b).forEach(function (w) { b[w] /= norm; });
    return b;
  }
  function bagDot(a, b) { var s = 0; Object.keys(a).forEach(function (w) { if (b[w]) s += a[w] * b[w]; }); return s; }

  /* ---------- cards ---------- */
  function cardId(card) {
    if (card.id) return card.id;
    var a = card.querySelector("a[href*='papers/']");
    var m = a && a.getAttribute("href").match(/papers\/([^/]+)\.html/);
    return m ? m[1] : null;
  }
  function cardTitle(card) {
    var h = card.querySelector("h1 a, h2 a, h3 a, h1, h2, h3");
    return h ? h.textContent.replace(/^\s*\d+\.\s*/, "").trim() : cardId(card);
  }

  function score(card, p, kws) {
    var id = cardId(card), v = vectors[id], text = card.textContent, s = 0, why = "", best = -2, bestTitle = "";
    var liked = Object.keys(p.liked).filter(function (k) { return p.liked[k].v; });
    if (v && liked.length) {
      var sum = 0;
      liked.forEach(function (k) {
        var lv = p.liked[k]._v || (p.liked[k]._v = decode(p.liked[k].v, v.length, 1)[0]);
        var c = dot(v, lv); sum += c;
        if (c > best) { best = c; bestTitle = p.liked[k].t; }
      });
      s += sum / liked.length;
    }
    var disliked = Object.keys(p.disliked).filter(function (k) { return p.disliked[k].v; });
    if (v && disliked.length) {
      var neg = 0;
      disliked.forEach(function (k) { neg += dot(v, p.disliked[k]._v || (p.disliked[k]._v = decode(p.disliked[k].v, v.length, 1)[0])); });
      s -= DISLIKE_WEIGHT * neg / disliked.length;
    }
    if (p.texts.length) {
      var b = bag(text), tsum = 0, tbest = -1, tTitle = "";
      p.texts.forEach(function (t) { var c = bagDot(t._b || (t._b = bag(t.text)), b); tsum += c; if (c > tbest) { tbest = c; tTitle = t.title; } });
      s += TEXT_WEIGHT * tsum / p.texts.length;
      if (tbest > best) { best = tbest; bestTitle = tTitle; }
    }
    var hit = null, word = null;
    for (var i = 0; i < kws.length && !hit; i++) { word = match(kws[i], text); if (word) hit = kws[i]; }
    if (hit) s += KEYWORD_WEIGHT;
    var negative = null;
    for (i = 0; i < p.negative.length && !negative; i++) if (match(p.negative[i], text)) negative = p.negative[i];
    if (negative) why = "含屏蔽词：" + negative;
    else if (p.liked[id]) why = "你赞过这篇";
    else if (hit) why = "关注词：" + hit + (word.toLowerCase() !== hit.toLowerCase() ? "（" + word + "）" : "");
    else if (bestTitle) why = "接近你赞过的：" + bestTitle + "（相似度 " + best.toFixed(2) + "）";
    else why = "没有匹配你的关注";
    var folded = !!negative || (p.threshold !== null && p.threshold !== "" && s < Number(p.threshold));
    return { score: s, why: why, folded: folded };
  }

  function vote(card, kind) {
    var p = load(), id = cardId(card), other = kind === "liked" ? "disliked" : "liked";
    if (p[kind][id]) delete p[kind][id];
    else {
      if (!vectors[id]) return; // the day's vectors are not loaded yet
      p[kind][id] = { t: cardTitle(card), v: toB64(vectors[id]) };
      delete p[other][id];
    }
    save(p);
    rankAll();
  }

  function addButtons(card) {
    if (card.querySelector(".rank-vote")) return;
    var box = document.createElement("p");
    box.className = "rank-vote";
    [["liked", "▲ 喜欢", "喜欢这篇（用于为你推荐）"], ["disliked", "▼ 不感兴趣", "不感兴趣"]].forEach(function (b) {
      var btn = document.createElement("button");
      btn.type = "button"; btn.className = "btn vote-" + b[0]; btn.textContent = b[1];
      btn.setAttribute("aria-label", b[2]); btn.title = b[2];
      btn.addEventListener("click", function () { vote(card, b[0]); });
      box.appendChild(btn);
    });
    var why = document.createElement("span");
    why.className = "rank-why muted";
    box.appendChild(why);
    card.appendChild(box);
  }

  function lists() { return Array.prototype.slice.call(document.querySelectorAll("[data-vectors]")); }

  function rankList(list, p, kws) {
    var started = performance.now();
    var items = Array.prototype.slice.call(list.children);
    items.forEach(function (li, i) { if (!li.hasAttribute("data-rank-i")) li.setAttribute("data-rank-i", i); });
    var active = hasProfile(p) && p.order === "rec";
    items.forEach(function (li) {
      var card = li.querySelector("article.paper") || li;
      var id = cardId(card), r = active ? score(card, p, kws) : null;
      li._rank = r;
      var line = card.querySelector(".rank-why");
      if (line) line.textContent = r ? "推荐分 " + r.score.toFixed(2) + " · " + r.why : "";
      card.querySelectorAll(".vote-liked, .vote-disliked").forEach(function (b) {
        var kind = b.classList.contains("vote-liked") ? "liked" : "disliked";
        b.setAttribute("aria-pressed", p[kind][id] ? "true" : "false");
      });
      li.classList.toggle("rank-folded", !!(r && r.folded));
    });
    items.sort(function (a, b) {
      if (!active) return a.getAttribute("data-rank-i") - b.getAttribute("data-rank-i");
      return (a._rank.folded - b._rank.folded) || (b._rank.score - a._rank.score) ||
        (a.getAttribute("data-rank-i") - b.getAttribute("data-rank-i"));
    }).forEach(function (li) { list.appendChild(li); });
    var folded = items.filter(function (li) { return li._rank && li._rank.folded; }).length;
    var note = list.previousElementSibling && list.previousElementSibling.classList.contains("rank-bar") ? list.previousElementSibling : null;
    if (note) {
      note.querySelector(".rank-note").textContent = active ? "已按为你推荐排序" + (folded ? "，" + folded + " 篇低于阈值或含屏蔽词，已折叠（点击展开）" : "") : "";
      note.querySelector(".rank-order").textContent = active ? "按原顺序" : "为你推荐";
    }
    window.hfdailyRankMs = performance.now() - started;
  }

  function rankAll() {
    var p = load(), kws = follows();
    var urls = [];
    if (hasProfile(p)) lists().forEach(function (l) { urls = urls.concat(l.getAttribute("data-vectors").split(" ").filter(Boolean)); });
    loadAll(urls, function () { lists().forEach(function (l) { rankList(l, p, kws); }); });
  }
  window.hfdailyRank = rankAll;

  /* ---------- profile dialog: negative keywords, threshold, export, import ---------- */
  function parseBib(text) {
    var out = [];
    text.split(/@\w+\s*\{/).slice(1).forEach(function (chunk) {
      var f = {};
      var re = /(\w+)\s*=\s*/g, m;
      while ((m = re.exec(chunk))) {
        var at = re.lastIndex, val = "";
        if (chunk[at] === "{") {
          var depth = 0, i = at;
          for (; i < chunk.length; i++) { if (chunk[i] === "{") depth++; else if (chunk[i] === "}") { depth--; if (!depth) break; } }
          val = chunk.slice(at + 1, i); re.lastIndex = i + 1;
        } else if (chunk[at] === '"') {
          var end = chunk.indexOf('"', at + 1); val = chunk.slice(at + 1, end < 0 ? chunk.length : end); re.lastIndex = end + 1;
        } else { var w = chunk.slice(at).match(/^[^,}\s]*/)[0]; val = w; re.lastIndex = at + w.length; }
        var k = m[1].toLowerCase();
        if (!(k in f)) f[k] = val.replace(/[{}]/g, "").replace(/\s+/g, " ").trim();
      }
      if (f.title) out.push({ title: f.title, text: f.title + ". " + f.title + ". " + (f.abstract || "") + " " + (f.keywords || "") });
    });
    return out;
  }
  function parseRis(text) {
    var out = [], f = {};
    text.split(/\r?\n/).forEach(function (line) {
      var m = line.match(/^([A-Z][A-Z0-9])  - ?(.*)$/);
      if (!m) return;
      if (m[1] === "ER") { if (f.title) out.push({ title: f.title, text: f.title + ". " + f.title + ". " + (f.ab || "") }); f = {}; }
      else if ((m[1] === "TI" || m[1] === "T1") && !f.title) f.title = m[2].trim();
      else if (m[1] === "AB" || m[1] === "N2") f.ab = ((f.ab || "") + " " + m[2]).trim();
    });
    return out;
  }
  function importText(text, status) {
    var p = load(), data = null;
    try { data = JSON.parse(text); } catch (err) { data = null; }
    if (data && data.hfdaily_profile) {
      var e = emptyProfile();
      Object.keys(e).forEach(function (k) { p[k] = data.hfdaily_profile[k] !== undefined ? data.hfdaily_profile[k] : e[k]; });
      save(p);
      if (Array.isArray(data.follow_keywords)) {
        try {
          var f = JSON.parse(localStorage.getItem(FOLLOW) || "{}"); f.keyword = f.keyword || [];
          data.follow_keywords.forEach(function (k) { if (f.keyword.indexOf(k) < 0) f.keyword.push(k); });
          localStorage.setItem(FOLLOW, JSON.stringify(f));
        } catch (err) { /* ignore */ }
      }
      status.textContent = "已导入画像：" + Object.keys(p.liked).length + " 篇喜欢，" + p.texts.length + " 条文献。";
    } else {
      var refs = /@\w+\s*\{/.test(text) ? parseBib(text) : parseRis(text);
      if (!refs.length) { status.textContent = "无法识别的文件：需要本站导出的画像（.json）、BibTeX（.bib）或 RIS（.ris）。"; return; }
      refs.forEach(function (r) { p.texts.push({ title: r.title, text: r.text }); });
      save(p);
      status.textContent = "已从文献导入 " + refs.length + " 条（标题与摘要）。";
    }
    rankAll();
  }
  function exportProfile() {
    var p = load();
    Object.keys(p.liked).forEach(function (k) { delete p.liked[k]._v; });
    Object.keys(p.disliked).forEach(function (k) { delete p.disliked[k]._v; });
    p.texts.forEach(function (t) { delete t._b; });
    return JSON.stringify({ hfdaily_profile: p, follow_keywords: follows(), exported: new Date().toISOString() }, null, 1);
  }
  window.hfdailyExportProfile = exportProfile;

  function setupBar(list) {
    var bar = document.createElement("div");
    bar.className = "rank-bar";
    bar.innerHTML = '<button type="button" class="btn rank-order">为你推荐</button> <button type="button" class="btn rank-open">推荐设置</button> <span class="rank-note muted" aria-live="polite"></span>';
    list.parentNode.insertBefore(bar, list);
    bar.querySelector(".rank-order").addEventListener("click", function () {
      var p = load(); p.order = p.order === "rec" && hasProfile(p) ? "orig" : "rec"; save(p); rankAll();
    });
    bar.querySelector(".rank-open").addEventListener("click", function () { openDialog(); });
    bar.querySelector(".rank-note").addEventListener("click", function () { list.classList.toggle("rank-unfold"); });
  }

  var dialog = null;
  function openDialog() {
    if (!dialog) {
      dialog = document.createElement("dialog");
      dialog.id = "rank-dialog";
      dialog.innerHTML = '<h2>为你推荐 · 设置</h2><p class="muted">画像只保存在这个浏览器里：标为喜欢或不感兴趣的论文、关注的关键词、导入的文献。</p>' +
        '<p><label>屏蔽词（逗号分隔）<br><input class="rank-negative" size="40" placeholder="例如：jailbreak, 医疗"></label></p>' +
        '<p><label>阈值：低于此分数的论文折叠 <input class="rank-threshold" type="number" step="0.01" placeholder="例如 0.1"></label></p>' +
        '<p class="rank-summary muted"></p>' +
        '<p><button type="button" class="btn rank-save">保存</button> <button type="button" class="btn rank-export">导出画像</button> ' +
        '<label class="btn">导入画像 / .bib / .ris<input class="rank-import" type="file" accept=".json,.bib,.ris,.txt" hidden></label> ' +
        '<button type="button" class="btn rank-clear">清空</button> <button type="button" class="btn rank-close">关闭</button></p><p class="rank-status muted" aria-live="polite"></p>';
      document.body.appendChild(dialog);
      var status = dialog.querySelector(".rank-status");
      dialog.querySelector(".rank-save").addEventListener("click", function () {
        var p = load();
        p.negative = dialog.querySelector(".rank-negative").value.split(/[,，;；]/).map(function (s) { return s.trim(); }).filter(Boolean);
        var t = dialog.querySelector(".rank-threshold").value;
        p.threshold = t === "" ? null : Number(t);
        save(p); status.textContent = "已保存。"; fill(); rankAll();
      });
      dialog.querySelector(".rank-export").addEventListener("click", function () {
        var blob = new Blob([exportProfile()], { type: "application/json" });
        var a = document.createElement("a");
        a.href = URL.createObjectURL(blob); a.download = "hfdaily-profile.json";
        document.body.appendChild(a); a.click(); a.remove();
      });
      dialog.querySelector(".rank-import").addEventListener("change", function (ev) {
        var file = ev.target.files[0];
        if (!file) return;
        file.text().then(function (text) { importText(text, status); fill(); });
      });
      dialog.querySelector(".rank-clear").addEventListener("click", function () { save(emptyProfile()); fill(); rankAll(); });
      dialog.querySelector(".rank-close").addEventListener("click", function () { dialog.close(); });
    }
    fill();
    dialog.showModal();
  }
  function fill() {
    var p = load();
    dialog.querySelector(".rank-negative").value = p.negative.join(", ");
    dialog.querySelector(".rank-threshold").value = p.threshold === null ? "" : p.threshold;
    dialog.querySelector(".rank-summary").textContent = "喜欢 " + Object.keys(p.liked).length + " 篇 · 不感兴趣 " +
      Object.keys(p.disliked).length + " 篇 · 导入文献 " + p.texts.length + " 条 · 关注词 " + follows().length + " 个";
  }
  window.hfdailyImportProfile = function (text) { var s = { textContent: "" }; importText(text, s); return s.textContent; };

  /* ---------- 相关论文: sort by similarity or by date ---------- */
  function setupRelated() {
    document.querySelectorAll("[data-related-sort]").forEach(function (btn) {
      btn.addEventListener("click", function () {
        var by = btn.getAttribute("data-related-sort"), list = document.querySelector(".related-list");
        Array.prototype.slice.call(list.children).sort(function (a, b) {
          return by === "date" ? b.getAttribute("data-date").localeCompare(a.getAttribute("data-date"))
            : b.getAttribute("data-score") - a.getAttribute("data-score");
        }).forEach(function (li) { list.appendChild(li); });
        document.querySelectorAll("[data-related-sort]").forEach(function (o) { o.setAttribute("aria-pressed", o === btn ? "true" : "false"); });
      });
    });
  }

  function start() {
    setupRelated();
    lists().forEach(function (list) {
      setupBar(list);
      Array.prototype.slice.call(list.children).forEach(function (li) { addButtons(li.querySelector("article.paper") || li); });
    });
    // The 👍 of a paper needs its vector: load the day's vectors as soon as the reader reaches for a button.
    document.addEventListener("pointerdown", function (ev) {
      if (ev.target.closest && ev.target.closest(".rank-vote")) {
        var urls = []; lists().forEach(function (l) { urls = urls.concat(l.getAttribute("data-vectors").split(" ").filter(Boolean)); });
        loadAll(urls, function () {});
      }
    }, true);
    if (lists().length) {
      // Votes made before the vectors arrived are retried once they are in.
      document.addEventListener("click", function (ev) {
        var b = ev.target.closest && ev.target.closest(".vote-liked, .vote-disliked");
        if (!b || vectors[cardId(b.closest("article.paper") || b.closest("li"))]) return;
        var urls = []; lists().forEach(function (l) { urls = urls.concat(l.getAttribute("data-vectors").split(" ").filter(Boolean)); });
        loadAll(urls, function () { vote(b.closest("article.paper") || b.closest("li"), b.classList.contains("vote-liked") ? "liked" : "disliked"); });
      });
      rankAll();
    }
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start); else start();
})();
