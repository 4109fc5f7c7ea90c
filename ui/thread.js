// Runs once when the answer thread (a gr.HTML) mounts; `element` and `trigger` come from Gradio.
// Clicks are delegated, so the buttons keep working after the thread is re-rendered.
function copyText(text) {
  if (navigator.clipboard && window.isSecureContext) {
    return navigator.clipboard.writeText(text).catch(() => copyFallback(text));
  }
  return Promise.resolve(copyFallback(text));
}
function copyFallback(text) {
  const area = document.createElement('textarea');
  area.value = text;
  area.setAttribute('readonly', '');
  area.style.position = 'fixed';
  area.style.opacity = '0';
  document.body.appendChild(area);
  area.select();
  try { document.execCommand('copy'); } finally { area.remove(); }
}
element.addEventListener('click', (event) => {
  const copy = event.target.closest('.qa-copy');
  if (copy) {
    const source = copy.closest('.qa-card').querySelector('.' + (copy.dataset.src || 'qa-copy-src'));
    const label = copy.dataset.label || copy.textContent;
    copy.dataset.label = label;
    copyText(source.value).then(() => flash(copy, '已复制', label));
    return;
  }
  const open = event.target.closest('.qa-open');
  if (open) {
    trigger('click', {doc_id: open.dataset.doc, start: Number(open.dataset.start),
                      end: Number(open.dataset.end)});
  }
});

// Share links, the page title and this browser's question history (localStorage; never sent anywhere).
const HISTORY_KEY = 'qa-history';
const HISTORY_MAX = 12;
const APP_TITLE = '政策文献引文问答';
function shareLink(question) {
  return location.origin + location.pathname + '?q=' + encodeURIComponent(question);
}
function loadHistory() {
  try {
    const list = JSON.parse(localStorage.getItem(HISTORY_KEY) || '[]');
    return Array.isArray(list) ? list.filter((q) => typeof q === 'string') : [];
  } catch (e) { return []; }
}
function saveHistory(question) {
  const list = [question].concat(loadHistory().filter((q) => q !== question)).slice(0, HISTORY_MAX);
  try { localStorage.setItem(HISTORY_KEY, JSON.stringify(list)); } catch (e) { /* storage off: no history */ }
  return list;
}
function showHistory(list) {
  const box = document.querySelector('#qa-history .qa-history');
  if (!box) return;
  const ol = box.querySelector('ol');
  ol.replaceChildren(...list.map((q) => {
    const li = document.createElement('li');
    const a = document.createElement('a');
    a.href = shareLink(q);
    const isolate = document.createElement('bdi');
    isolate.textContent = q.replace(/[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]/g, '');
    a.appendChild(isolate);
    li.appendChild(a);
    return li;
  }));
  box.hidden = list.length === 0;
}
let lastQuestion = null;
function onThreadChange() {
  const turns = element.querySelectorAll('.qa-exchange');
  if (!turns.length) return;
  const question = turns[turns.length - 1].dataset.q || '';
  if (!question.trim() || question === lastQuestion) return;
  lastQuestion = question;
  document.title = question.replace(/[\u202a-\u202e\u2066-\u2069]/g, '') + ' - ' + APP_TITLE;
  history.replaceState(null, '', '?q=' + encodeURIComponent(question));
  showHistory(saveHistory(question));
}
new MutationObserver(onThreadChange).observe(element, {childList: true, subtree: true});
showHistory(loadHistory());
window.addEventListener('qa-history-mounted', () => showHistory(loadHistory()));
onThreadChange();
function flash(button, text, back) {
  button.textContent = text;
  button.classList.add('qa-done');
  setTimeout(() => { button.textContent = back; button.classList.remove('qa-done'); }, 1600);
}
element.addEventListener('click', (event) => {
  const link = event.target.closest('.qa-link');
  if (link) {
    const turn = link.closest('.qa-exchange');
    copyText(shareLink(turn ? turn.dataset.q : '')).then(() => flash(link, '已复制链接', '复制链接'));
    return;
  }
  const term = event.target.closest('.qa-term');
  if (term) {
    event.preventDefault();
    openTerm(term.dataset.term);
  }
});
// The 提法 tab mounts when first shown: leave the term for it, then bring it to the front.
function openTerm(name) {
  window.qaPendingTerm = name;
  window.dispatchEvent(new CustomEvent('qa-open-term', {detail: name}));
  const tab = [...document.querySelectorAll('button[role="tab"]')].find((b) => b.textContent.trim() === '提法');
  if (tab) tab.click();
}
const linkedTerm = new URLSearchParams(location.search).get('term');
if (linkedTerm) setTimeout(() => openTerm(linkedTerm), 300);
