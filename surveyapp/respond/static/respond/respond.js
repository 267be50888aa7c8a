/* Progressive enhancement of the questionnaire: show_if live with the visible questions numbered 1, 2, 3 …,
   the most options a multiple-choice question takes enforced while ticking, a progress bar, no double
   submit. The page works without this file; the server applies the same rules
   (questionnaires.clean_answers) and numbers the questions visible for the posted answers. */
(function () {
  var form = document.getElementById('qf');
  if (!form || !form.querySelectorAll || !window.JSON) { return; }
  document.documentElement.className += ' js';
  var blocks = [].slice.call(form.querySelectorAll('.q'));
  var prog = document.getElementById('prog');

  function fields(name) {
    return [].slice.call(form.querySelectorAll('[name="' + name + '"]'));
  }
  function chosen(name) {
    var out = [];
    fields(name).forEach(function (el) { if (el.checked) { out.push(el.value); } });
    return out;
  }
  function answered(block) {
    var type = block.getAttribute('data-type');
    if (type === 'number' || type === 'text') {
      var input = block.querySelector('input,textarea');
      return !!(input && input.value.replace(/\s+/g, ''));
    }
    if (type === 'matrix') {
      var rows = block.querySelectorAll('.row');
      return block.querySelectorAll('input:checked').length >= rows.length;
    }
    return !!block.querySelector('input:checked');
  }
  function update() {
    var hidden = {}, shown = 0, done = 0, no;
    blocks.forEach(function (block) {
      var rule = block.getAttribute('data-show'), visible = true;
      if (rule) {
        var cond = JSON.parse(rule);
        for (var ref in cond) {
          if (!cond.hasOwnProperty(ref)) { continue; }
          var got = hidden[ref] ? [] : chosen(ref), match = false;
          for (var i = 0; i < got.length; i++) { if (cond[ref].indexOf(got[i]) >= 0) { match = true; } }
          if (!match) { visible = false; break; }
        }
      }
      if (!visible) { hidden[block.getAttribute('data-q')] = true; }
      if (visible === (block.className.indexOf(' off') >= 0)) {
        block.className = visible ? block.className.replace(' off', '') : block.className + ' off';
      }
      if (visible) { shown += 1; if (answered(block)) { done += 1; } }
      no = block.querySelector('.no');
      if (no) { no.textContent = visible ? shown + '.' : ''; }
    });
    if (prog) {
      prog.hidden = false;
      prog.querySelector('i').style.width = (shown ? Math.round(100 * done / shown) : 0) + '%';
      prog.querySelector('span').textContent = '已答 ' + done + ' / ' + shown + ' 题';
    }
  }
  function blockOf(el) {
    while (el && el !== form && !(el.getAttribute && el.getAttribute('data-q'))) { el = el.parentNode; }
    return el && el !== form ? el : null;
  }
  function roomFor(block, adding) {
    /* whether `adding` more ticks keep a question within its most options; shows or hides its hint */
    var max = block ? parseInt(block.getAttribute('data-max'), 10) : 0, hint, ok;
    if (!max) { return true; }
    ok = block.querySelectorAll('input[type="checkbox"]:checked').length + adding <= max;
    hint = document.getElementById('m-' + block.getAttribute('data-q'));
    if (hint) { hint.hidden = ok; }
    return ok;
  }
  form.addEventListener('click', function (event) {
    /* a click has already toggled the box: undo a tick past the question's most options */
    if (event.target.type === 'checkbox' && !roomFor(blockOf(event.target), 0)) { event.preventDefault(); }
  });
  form.addEventListener('change', update);
  form.addEventListener('input', function (event) {
    var el = event.target;
    if (el.className === 'other' && el.value) {       // typing the other-text picks 其他
      var name = el.name.replace(/\.other$/, ''), block = blockOf(el);
      fields(name).forEach(function (box) {
        if (box.value === '其他' && !box.checked && (box.type !== 'checkbox' || roomFor(block, 1))) {
          box.checked = true;
        }
      });
    }
    update();
  });
  var button = document.getElementById('submit');
  form.addEventListener('submit', function () {
    setTimeout(function () { button.disabled = true; button.textContent = '正在提交…'; }, 0);
  });
  window.addEventListener('pageshow', function () { button.disabled = false; button.textContent = '提交问卷'; });
  update();
  var bad = form.querySelector('.bad');
  if (bad && bad.scrollIntoView && !location.hash) { bad.scrollIntoView(); }
})();
