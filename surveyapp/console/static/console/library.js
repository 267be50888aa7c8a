/* Questionnaire editor, progressive enhancement: the page works without this file (each button posts the
   form and the server re-renders it). Here a question's fields follow its type at once, and choosing the
   question of a condition refreshes the page so that its options can be ticked. */
(function () {
  var editor = document.getElementById('editor');
  if (!editor || !editor.querySelectorAll) { return; }
  function showFor(card, type) {
    [].forEach.call(card.querySelectorAll('.for'), function (part) {
      part.hidden = part.getAttribute('data-for').split(' ').indexOf(type) < 0;
    });
    card.setAttribute('data-type', type);
  }
  editor.addEventListener('change', function (event) {
    var target = event.target;
    if (target.classList.contains('qtype')) {
      showFor(target.closest('.eq'), target.value);
    } else if (target.classList.contains('cond-question')) {
      var card = target.closest('.eq');
      editor.action = editor.getAttribute('action').split('#')[0] + '#' + card.id;
      var refresh = document.createElement('input');
      refresh.type = 'hidden'; refresh.name = 'action'; refresh.value = 'preview';
      editor.appendChild(refresh);
      editor.submit();
    }
  });
})();
