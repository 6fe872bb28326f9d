// Clicking a field shows its span, clicking a span shows its field(s): both ends are marked
// "current", every piece of a crossing span and every field that shares a span included.
(() => {
  const linked = (id) => {
    const el = document.getElementById(id);
    if (el && el.matches('a.field')) return [id, el.getAttribute('href').slice(1)];
    if (el && el.matches('mark')) return [id, ...el.dataset.targets.split(' ')];
    return [id];
  };
  const pieces = (id) => {
    const marks = [...document.querySelectorAll('mark[data-ev="' + id + '"]')];
    const own = document.getElementById(id);
    return marks.length ? marks : own ? [own] : [];
  };
  const show = (id) => {
    document.querySelectorAll('.current').forEach((el) => el.classList.remove('current'));
    linked(id).flatMap(pieces).forEach((el) => el.classList.add('current'));
  };
  document.addEventListener('click', (event) => {
    const field = event.target.closest('a.field');
    const mark = event.target.closest('mark[data-targets]');
    if (field) {
      show(field.id);
    } else if (mark) {
      location.hash = mark.dataset.targets.split(' ')[0];
      show(mark.dataset.ev);
    }
  });
  document.addEventListener('change', (event) => {
    const box = event.target.closest('input[data-filter]');
    if (!box) return;
    document.querySelectorAll('[data-status="' + CSS.escape(box.dataset.filter) + '"]')
      .forEach((el) => el.classList.toggle('hidden', !box.checked));
  });
  if (location.hash) show(decodeURIComponent(location.hash.slice(1)));
})();
