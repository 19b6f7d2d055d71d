// The «Распечатать» buttons (data-print, hidden until this script runs): the browser's print dialog.
// Without scripts the page prints as well (Ctrl+P): its print stylesheet does the work.
document.querySelectorAll("[data-print]").forEach((button) => {
  button.hidden = false;
  button.addEventListener("click", () => window.print());
});
