() => {
  const latestBot = () => {
    const bots = document.querySelectorAll('#chat .bot');
    return bots.length ? bots[bots.length - 1] : null;
  };
  const show = (sup) => {
    const latest = latestBot();
    if (!latest || !latest.contains(sup)) return;
    const n = sup.textContent.replace(/[^0-9]/g, '');
    const source = document.getElementById('src-' + n);
    if (!source) return;
    document.querySelectorAll('#sources .source.focus').forEach((el) => el.classList.remove('focus'));
    source.classList.add('focus');
    source.setAttribute('tabindex', '-1');
    source.scrollIntoView({behavior: 'smooth', block: 'nearest'});
    source.focus({preventScroll: true});
  };
  document.addEventListener('click', (event) => {
    const sup = event.target.closest && event.target.closest('#chat sup');
    if (sup) show(sup);
  });
  document.addEventListener('keydown', (event) => {
    if (event.key !== 'Enter' && event.key !== ' ') return;
    const sup = event.target.closest && event.target.closest('#chat sup');
    if (!sup) return;
    event.preventDefault();
    show(sup);
  });
  let queued = false;
  const tune = () => {
    queued = false;
    const latest = latestBot();
    document.querySelectorAll('#chat sup').forEach((sup) => {
      const live = latest && latest.contains(sup);
      if (live && sup.getAttribute('tabindex') !== '0') {
        sup.setAttribute('tabindex', '0');
        sup.setAttribute('role', 'button');
        sup.setAttribute('aria-label', 'Show source ' + sup.textContent.replace(/[^0-9]/g, ''));
      } else if (!live && !sup.classList.contains('inert')) {
        // An older answer's marker: its sources are no longer in the panel, so it must not
        // look or act like a link.
        sup.removeAttribute('tabindex');
        sup.removeAttribute('role');
        sup.removeAttribute('aria-label');
        sup.classList.add('inert');
        sup.setAttribute('title', 'The sources panel shows the latest answer\'s sources');
      }
      if (live) sup.classList.remove('inert');
    });
    const sources = document.getElementById('sources');
    if (sources && sources.getAttribute('aria-live') !== 'polite') {
      sources.setAttribute('aria-live', 'polite');
      sources.setAttribute('role', 'region');
      sources.setAttribute('aria-label', 'Sources of the answer');
    }
  };
  new MutationObserver(() => {
    if (!queued) { queued = true; requestAnimationFrame(tune); }
  }).observe(document.body, {childList: true, subtree: true, characterData: true});
  tune();
}
