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
    copyText(source.value).then(() => {
      copy.textContent = '已复制';
      copy.classList.add('qa-done');
      setTimeout(() => { copy.textContent = label; copy.classList.remove('qa-done'); }, 1600);
    });
    return;
  }
  const open = event.target.closest('.qa-open');
  if (open) {
    trigger('click', {doc_id: open.dataset.doc, start: Number(open.dataset.start),
                      end: Number(open.dataset.end)});
  }
});
