// Confirmation before an irreversible step: a form (or a submit button) with
// data-confirm="Что это значит…" asks before it is sent. The server never relies on it: every
// irreversible step is a POST that the services check; this only saves a slip of the finger.
document.addEventListener("submit", (event) => {
  const form = event.target;
  const button = event.submitter;
  const text = (button && button.dataset.confirm) || form.dataset.confirm;
  if (text && !window.confirm(text)) {
    event.preventDefault();
  }
});
